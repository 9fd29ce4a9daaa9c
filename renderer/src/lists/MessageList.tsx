import { useCallback, useState, type KeyboardEvent, type ReactNode } from 'react';
import type {
  BulkResult,
  BulkTarget,
  ListCounts,
  ListFilter,
  ListState,
  MessagePage,
  MessageView,
  PageQuery,
  Result,
} from '../../../preload/common/contract/index.ts';
import { Banner } from '../components/Banner.tsx';
import { useLive } from '../live.ts';
import { BulkBar, type BulkActions } from './BulkBar.tsx';
import { MessageRow, ROW_HEIGHT } from './MessageRow.tsx';
import { usePages, type Paged } from './usePages.ts';
import { VirtualList } from './VirtualList.tsx';
import './lists.css';

const STATE_NAMES: Record<ListState, string> = {
  queued: 'Queued',
  scheduled: 'Scheduled',
  sending: 'Sending',
  failed: 'Failed',
  uncertain: 'Maybe sent',
  sent: 'Sent',
};

const readMessages = ({ messages, next, counts }: MessagePage): Paged<MessageView, ListCounts> => ({ items: messages, next, counts });

interface MessageListProps {
  load: (query: PageQuery) => Promise<Result<MessagePage>>;
  /** The list's accessible name. */
  label: string;
  /** Said when the list is empty and nothing narrows it. */
  empty: string;
  /** The states it can be narrowed to (none: no state filter). */
  states?: readonly ListState[];
  /** The message opened: its whole card, in place of its row. */
  renderOpened: (message: MessageView) => ReactNode;
  /** Choosing rows and acting on them, or on the filter (the Outbox). */
  bulk?: BulkActions;
  /** The Delete key on a row (the Outbox: cancel it). */
  onDelete?: (message: MessageView) => void;
  /** What went wrong with an action of the screen's, said where the list's own errors are. */
  actionError?: string | null;
}

/**
 * A list of messages as a mail app shows one: a search field, filters by account and state with
 * their counts, and compact rows in a windowed list (only the rows on screen exist), loaded a page
 * at a time. A row opens in place (click, Enter) into the message's card; ↑/↓ move, Escape closes.
 */
export function MessageList({ load, label, empty, states, renderOpened, bulk, onDelete, actionError = null }: MessageListProps) {
  const [search, setSearch] = useState('');
  const [accountId, setAccountId] = useState<number | undefined>(undefined);
  const [state, setState] = useState<ListState | undefined>(undefined);
  const filter: ListFilter = { ...(search.trim() && { search }), ...(accountId !== undefined && { accountId }), ...(state && { state }) };
  const { items: messages, counts, more, error, loadMore } = usePages(load, filter, readMessages);
  const { value: accounts } = useLive(window.outbound.accounts.list);
  const [activeId, setActiveId] = useState<number | null>(null);
  const activeIndex = messages.findIndex((m) => m.id === activeId);
  const active = activeIndex >= 0 ? activeIndex : null;
  const [opened, setOpened] = useState<number | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const narrowed = Object.keys(filter).length > 0;

  const onNearEnd = useCallback(() => {
    if (more) loadMore();
  }, [more, loadMore]);

  /** Open a message in place, or close it if it is the one open. */
  const open = useCallback((id: number) => {
    setActiveId(id);
    setOpened((current) => (current === id ? null : id));
  }, []);

  const choose = useCallback((id: number, yes: boolean) => {
    setChosen((all) => {
      const next = new Set(all);
      if (yes) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);

  function onKey(event: KeyboardEvent<HTMLDivElement>, message: MessageView) {
    if (event.key === 'Enter') open(message.id);
    else if (event.key === 'Escape') setOpened(null);
    else if (event.key === 'Delete' && onDelete) onDelete(message);
    else if (event.key === ' ' && bulk) choose(message.id, !chosen.has(message.id));
    else return;
    event.preventDefault();
  }

  /** A bulk action on what is chosen, else on what the filter finds; the choice is cleared after it. */
  const target: BulkTarget = chosen.size > 0 ? { ids: [...chosen] } : { filter };
  const act = async (action: (target: BulkTarget) => Promise<Result<BulkResult>>) => {
    const result = await action(target);
    if (result.ok) setChosen(new Set());
    return result;
  };

  return (
    <div className="message-list">
      <div className="list-filters">
        <input type="search" aria-label="Search" placeholder="Search subject, people, text" value={search} onChange={(e) => setSearch(e.currentTarget.value)} />
        {accounts && accounts.length > 1 && (
          <select
            aria-label="Account"
            value={accountId ?? ''}
            onChange={(e) => setAccountId(e.currentTarget.value ? Number(e.currentTarget.value) : undefined)}
          >
            <option value="">All accounts</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        )}
      </div>
      {states && (
        <div className="state-filters" role="group" aria-label="State">
          <button type="button" aria-pressed={state === undefined} onClick={() => setState(undefined)}>
            All <span className="count">{states.reduce((sum, s) => sum + (s === 'scheduled' ? 0 : (counts?.byState[s] ?? 0)), 0)}</span>
          </button>
          {states.map((s) => (
            <button key={s} type="button" aria-pressed={state === s} onClick={() => setState(state === s ? undefined : s)}>
              {STATE_NAMES[s]} <span className="count">{counts?.byState[s] ?? 0}</span>
            </button>
          ))}
        </div>
      )}
      <Banner kind="error">{actionError ?? error}</Banner>
      <div className="list-toolbar">
        {counts && (
          <p className="list-count muted" role="status" data-testid="list-count">
            {counts.total === 0
              ? narrowed
                ? 'No message matches.'
                : empty
              : `${counts.total.toLocaleString()} ${counts.total === 1 ? 'message' : 'messages'}`}
          </p>
        )}
        {bulk && <BulkBar actions={bulk} chosen={chosen.size} counts={counts} act={act} onClear={() => setChosen(new Set())} />}
      </div>
      <VirtualList
        items={messages}
        rowHeight={ROW_HEIGHT}
        label={label}
        keyOf={(m) => m.id}
        active={active}
        onActive={(index) => setActiveId(messages[index]?.id ?? null)}
        openedKey={opened}
        onKey={onKey}
        onNearEnd={onNearEnd}
        renderRow={(m, index) =>
          m.id === opened ? (
            <div className="opened-message">
              <ul className="cards">{renderOpened(m)}</ul>
              <button type="button" className="link close-message" onClick={() => setOpened(null)}>
                Close
              </button>
            </div>
          ) : (
            <MessageRow message={m} active={index === active} chosen={bulk ? chosen.has(m.id) : undefined} onChoose={choose} onOpen={open} />
          )
        }
      />
    </div>
  );
}

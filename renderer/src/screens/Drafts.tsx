import { useState, type KeyboardEvent } from 'react';
import type { DraftPage, SavedDraftView } from '../../../preload/common/contract/index.ts';
import { Banner } from '../components/Banner.tsx';
import { Confirm } from '../components/Confirm.tsx';
import { Time } from '../components/Time.tsx';
import { usePages, type Paged } from '../lists/usePages.ts';
import { VirtualList } from '../lists/VirtualList.tsx';
import '../lists/lists.css';

/** A draft's row: taller than a message's, for its two buttons. */
const DRAFT_ROW_HEIGHT = 52;
const ALL = {};
const readDrafts = ({ drafts, next, total }: DraftPage): Paged<SavedDraftView, number> => ({ items: drafts, next, counts: total });

/** The saved drafts, newest first, as compact rows in a windowed list: open one in the composer (Enter), or discard it (Delete; after asking). */
export function Drafts({ onOpen }: { onOpen: (draft: SavedDraftView) => void }) {
  const { items: drafts, counts: total, more, error, loadMore, reload } = usePages(window.outbound.drafts.page, ALL, readDrafts);
  const [actionError, setActionError] = useState<string | null>(null);
  const [discarding, setDiscarding] = useState<number | null>(null);
  const [activeId, setActiveId] = useState<number | null>(null);
  const activeIndex = drafts.findIndex((d) => d.id === activeId);

  async function discard(id: number) {
    setDiscarding(null);
    const result = await window.outbound.drafts.discard(id);
    setActionError(result.ok ? null : result.error.message);
    reload();
  }

  function onKey(event: KeyboardEvent<HTMLDivElement>, draft: SavedDraftView) {
    if (event.key === 'Enter') onOpen(draft);
    else if (event.key === 'Delete') setDiscarding(draft.id);
    else return;
    event.preventDefault();
  }

  if (total === null) return <Banner kind="error">{error}</Banner>;
  return (
    <section className="messages">
      <div className="message-list">
        <Banner kind="error">{actionError ?? error}</Banner>
        {total === 0 ? (
          <p className="empty">No drafts. What you write in Compose is kept here until you send it or discard it.</p>
        ) : (
          <>
            <p className="list-count muted" role="status" data-testid="list-count">
              {total.toLocaleString()} {total === 1 ? 'draft' : 'drafts'}
            </p>
            <VirtualList
              items={drafts}
              rowHeight={DRAFT_ROW_HEIGHT}
              label="Drafts"
              keyOf={(d) => d.id}
              active={activeIndex >= 0 ? activeIndex : null}
              onActive={(index) => setActiveId(drafts[index]?.id ?? null)}
              openedKey={null}
              onKey={onKey}
              onNearEnd={more ? loadMore : undefined}
              renderRow={(d, index) => (
                <DraftRow
                  draft={d}
                  active={index === activeIndex}
                  discarding={discarding === d.id}
                  onOpen={() => onOpen(d)}
                  onDiscard={(yes) => (yes ? void discard(d.id) : setDiscarding(discarding === d.id ? null : d.id))}
                />
              )}
            />
          </>
        )}
      </div>
    </section>
  );
}

interface DraftRowProps {
  draft: SavedDraftView;
  active: boolean;
  discarding: boolean;
  onOpen: () => void;
  /** true: discard it now (confirmed); false: ask, or stop asking. */
  onDiscard: (confirmed: boolean) => void;
}

function DraftRow({ draft: d, active, discarding, onOpen, onDiscard }: DraftRowProps) {
  const title = d.subject || '(no subject)';
  const to = [...d.to, ...d.cc].join(', ');
  return (
    <div className={`message-row draft-row${active ? ' active' : ''}`} data-testid="draft">
      <span className="row-recipients">{to ? `To ${to}` : 'No recipients yet'}</span>
      <span className="row-subject" id={`draft-${d.id}`}>
        {title}
      </span>
      <span className="row-time muted">
        {d.bcc.length > 0 && `${d.bcc.length} Bcc · `}
        {d.attachments.length > 0 && `${d.attachments.length} attached · `}saved <Time iso={d.updatedAt} />
      </span>
      <span className="actions">
        {discarding ? (
          <Confirm
            question={`Discard “${title}”?`}
            confirmLabel="Yes, discard"
            cancelLabel="Keep it"
            danger
            onConfirm={() => onDiscard(true)}
            onCancel={() => onDiscard(false)}
          />
        ) : (
          <>
            <button type="button" className="primary" onClick={onOpen} aria-describedby={`draft-${d.id}`}>
              Open
            </button>
            <button type="button" className="danger" onClick={() => onDiscard(false)} aria-describedby={`draft-${d.id}`}>
              Discard
            </button>
          </>
        )}
      </span>
    </div>
  );
}

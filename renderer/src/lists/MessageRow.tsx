import { memo } from 'react';
import type { MessageView } from '../../../preload/common/contract/index.ts';
import { STATE_LABEL } from '../components/MessageCard.tsx';
import { Time } from '../components/Time.tsx';

/** A row's height in pixels: fixed, so the list can place any row without rendering the others. */
export const ROW_HEIGHT = 44;

/** Who it is for: the first two recipients (Bcc last), and how many more. */
function recipientsOf(m: MessageView): string {
  const shown = m.recipients.slice(0, 2).map((r) => (r.kind === 'bcc' ? `Bcc ${r.address}` : r.address));
  const more = m.recipients.length - shown.length;
  return more > 0 ? `${shown.join(', ')} +${more}` : shown.join(', ');
}

/** When, for the list: sent, scheduled for, or written. */
const timeOf = (m: MessageView): string => m.sentAt ?? (m.hold === 'scheduled' && m.notBefore ? m.notBefore : m.createdAt);

interface MessageRowProps {
  message: MessageView;
  active: boolean;
  /** Whether it is chosen for a bulk action; undefined: the list has no bulk actions. */
  chosen?: boolean | undefined;
  onChoose: (id: number, chosen: boolean) => void;
  onOpen: (id: number) => void;
}

/** One message as a compact row: state, recipients, subject, time, account. Rendered again only when its props change (scrolling adds and removes rows). */
export const MessageRow = memo(function MessageRow({ message: m, active, chosen, onChoose, onOpen }: MessageRowProps) {
  const subject = m.subject || '(no subject)';
  const scheduled = m.hold === 'scheduled';
  return (
    <div className={`message-row${active ? ' active' : ''}`} data-testid="message" data-state={m.state} onClick={() => onOpen(m.id)}>
      {chosen !== undefined && (
        <input
          type="checkbox"
          aria-label={`Choose “${subject}”`}
          checked={chosen}
          onClick={(event) => event.stopPropagation()}
          onChange={(event) => onChoose(m.id, event.currentTarget.checked)}
        />
      )}
      <span className={`badge state-${m.state}`} data-testid="message-state">
        {scheduled ? 'Scheduled' : STATE_LABEL[m.state]}
      </span>
      <span className="row-recipients">{recipientsOf(m)}</span>
      <span className="row-subject">{subject}</span>
      <span className="row-account muted">{m.accountName}</span>
      <span className="row-time muted">
        <Time iso={timeOf(m)} />
      </span>
    </div>
  );
});

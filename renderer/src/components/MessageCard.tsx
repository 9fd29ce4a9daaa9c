import { useEffect, useState, type ReactNode } from 'react';
import type { AttemptView, MessageState, MessageView, RecipientState, RecipientView } from '../../../preload/common/contract/index.ts';
import { reportLabel } from '../compose/delivery-report.ts';
import { ProgressBar, useSendProgress } from '../compose/progress.tsx';
import { Time } from './Time.tsx';

export const STATE_LABEL: Record<MessageState, string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  uncertain: 'Maybe sent',
  cancelled: 'Cancelled',
};

const RECIPIENT_LABEL: Record<RecipientState, string> = {
  pending: 'waiting',
  accepted: 'accepted',
  deferred: 'deferred, will retry',
  rejected: 'rejected',
};

/** Red only where the message has stopped for good; amber where it will retry or waits for a decision. */
const ERROR_TONE: Record<MessageState, string> = {
  queued: 'will-retry',
  sending: 'will-retry',
  uncertain: 'undecided',
  failed: '',
  sent: '',
  cancelled: '',
};

/** A recipient still `pending` means something else once the message has stopped moving; its colour follows. */
function recipientBadge(recipient: RecipientState, message: MessageState): { label: string; tone: RecipientState } {
  if (recipient !== 'pending') return { label: RECIPIENT_LABEL[recipient], tone: recipient };
  if (message === 'failed' || message === 'cancelled') return { label: 'not delivered', tone: 'rejected' };
  return message === 'uncertain' ? { label: 'not known', tone: 'deferred' } : { label: RECIPIENT_LABEL.pending, tone: 'pending' };
}

/** The heading's id, for buttons that act on this message (`aria-describedby`). */
export const subjectIdOf = (message: MessageView): string => `message-${message.id}-subject`;

interface MessageCardProps {
  message: MessageView;
  /** Lines between the heading and the facts: why it waits, what to decide. */
  status?: ReactNode;
  actions?: ReactNode;
  /** Below the dialogue: more to open (the message itself, in Sent). */
  details?: ReactNode;
}

/** One message: state, subject, the facts, who got it and the server's last word. */
export function MessageCard({ message: m, status, actions, details }: MessageCardProps) {
  const progress = useSendProgress(m.state === 'sending' ? m.id : null);
  return (
    <li className="card message" data-testid="message" data-state={m.state}>
      <div className="card-main">
        <div className="message-head">
          <span className={`badge state-${m.state}`} data-testid="message-state">
            {STATE_LABEL[m.state]}
          </span>
          <h2 id={subjectIdOf(m)}>{m.subject || '(no subject)'}</h2>
        </div>
        {status}
        {progress && progress.sent < progress.total && <ProgressBar progress={progress} label={`Sending “${m.subject || '(no subject)'}”`} />}
        <dl className="facts">
          <dt>From</dt>
          <dd>
            {m.from} <span className="muted">({m.accountName})</span>
          </dd>
          <dt>Created</dt>
          <dd>
            <Time iso={m.createdAt} />
            {m.submittedBy === 'sendmail' && (
              <span className="muted" data-testid="submitted-by">
                {' '}
                by a program, through outbound sendmail
              </span>
            )}
          </dd>
          {m.sentAt && (
            <>
              <dt>Sent</dt>
              <dd>
                <Time iso={m.sentAt} />
              </dd>
            </>
          )}
          <dt>Attempts</dt>
          <dd data-testid="message-attempts">{m.attempts}</dd>
          {m.deliveryReport && (
            <>
              <dt>Delivery status</dt>
              <dd data-testid="message-report">
                {reportLabel(m.deliveryReport)}
                {m.deliveryReport.dropped && <span className="muted"> — not passed on: the server does not offer delivery reports</span>}
              </dd>
            </>
          )}
          {m.lastReply && (
            <>
              <dt>Server reply</dt>
              <dd>
                <code data-testid="message-reply">{m.lastReply}</code>
                {m.lastStage && <span className="muted"> (at {m.lastStage})</span>}
              </dd>
            </>
          )}
        </dl>
        <Recipients recipients={m.recipients} messageState={m.state} />
        {m.lastError && (
          <p className={`message-error ${ERROR_TONE[m.state]}`} data-testid="message-error">
            {m.lastError}
          </p>
        )}
        {m.attempts > 0 && <Dialogue message={m} />}
        {details}
      </div>
      {actions && <div className="actions">{actions}</div>}
    </li>
  );
}

function Recipients({ recipients, messageState }: { recipients: RecipientView[]; messageState: MessageState }) {
  return (
    <ul className="recipients" aria-label="Recipients">
      {recipients.map((r) => {
        const badge = recipientBadge(r.state, messageState);
        return (
          <li key={`${r.kind}:${r.address}`} data-testid="recipient" data-state={r.state}>
            <span className="kind">{r.kind}</span> {r.address} <span className={`badge small recipient-${badge.tone}`}>{badge.label}</span>
            {r.reply && <code className="muted"> {r.reply}</code>}
          </li>
        );
      })}
    </ul>
  );
}

/** Each attempt's stage, outcome and SMTP dialogue (AUTH redacted): what the server answered. Read when opened. */
function Dialogue({ message: m }: { message: MessageView }) {
  const [open, setOpen] = useState(false);
  const [attempts, setAttempts] = useState<AttemptView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!open) return;
    let current = true;
    void window.outbound.outbox.attempts(m.id).then((result) => {
      if (!current) return;
      setAttempts(result.ok ? result.value : null);
      setError(result.ok ? null : result.error.message);
    });
    return () => {
      current = false;
    };
  }, [open, m.id, m.attempts, m.state]); // a new attempt, a new outcome: read again
  return (
    <details className="dialogue" onToggle={(event) => setOpen(event.currentTarget.open)}>
      <summary>SMTP dialogue</summary>
      {error && <p className="message-error">{error}</p>}
      {attempts?.map((a, i) => (
        <section key={`${a.startedAt}-${i}`} data-testid="attempt">
          <h3>
            Attempt {attempts.length - i}, <Time iso={a.startedAt} />: {a.outcome ?? 'not finished'} at {a.stage ?? 'connect'}
          </h3>
          {/* Scrolled to its end, where the attempt ended. */}
          <pre data-testid="attempt-transcript" ref={(pre) => pre?.scrollTo({ top: pre.scrollHeight })}>
            {a.transcript || '(nothing was exchanged)'}
          </pre>
        </section>
      ))}
    </details>
  );
}

import { useCallback, useEffect, useRef, useState } from 'react';
import type { MessageState, MessageView, RecipientView, Result } from '../../../preload/contract.ts';
import { Banner } from '../components/Banner.tsx';

type Kind = 'outbox' | 'sent';

const STATE_LABEL: Record<MessageState, string> = {
  queued: 'Queued',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed',
  uncertain: 'Maybe sent',
  cancelled: 'Cancelled',
};
const EMPTY: Record<Kind, string> = { outbox: 'Nothing is waiting to be sent.', sent: 'Nothing sent yet.' };
const CAN_CANCEL: readonly MessageState[] = ['queued', 'failed', 'uncertain'];
const CAN_RETRY: readonly MessageState[] = ['queued', 'failed'];

/** The list of one kind, refreshed whenever the outbox changes. */
function useMessages(kind: Kind) {
  const [messages, setMessages] = useState<MessageView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Only the latest refresh may update the list: answers can arrive out of order.
  const latest = useRef(0);

  const refresh = useCallback(async () => {
    const ticket = ++latest.current;
    const result = await (kind === 'outbox' ? window.outbound.outbox.list() : window.outbound.sent.list());
    if (ticket !== latest.current) return;
    if (result.ok) {
      setMessages(result.value);
      setError(null);
    } else {
      setError(result.error.message);
    }
  }, [kind]);

  useEffect(() => {
    void refresh();
    const unsubscribe = window.outbound.onOutboxChanged(() => void refresh());
    return () => {
      latest.current++;
      unsubscribe();
    };
  }, [refresh]);

  return { messages, error };
}

export function Messages({ kind }: { kind: Kind }) {
  const { messages, error } = useMessages(kind);
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  async function act(id: number, action: (id: number) => Promise<Result<MessageView>>) {
    setBusy(id);
    const result = await action(id);
    setBusy(null);
    // The list itself follows through the outboxChanged event.
    setActionError(result.ok ? null : result.error.message);
  }

  return (
    <section className="messages" data-testid={`${kind}-list`}>
      <Banner kind="error">{error ?? actionError}</Banner>
      {messages?.length === 0 && <p className="empty">{EMPTY[kind]}</p>}
      {messages && messages.length > 0 && (
        <ul className="cards" aria-label={kind === 'outbox' ? 'Messages waiting' : 'Messages sent'}>
          {messages.map((m) => (
            <li key={m.id} className="card message" data-testid="message" data-state={m.state}>
              <div className="card-main">
                <div className="message-head">
                  <span className={`badge state-${m.state}`} data-testid="message-state">
                    {STATE_LABEL[m.state]}
                  </span>
                  <h2>{m.subject || '(no subject)'}</h2>
                </div>
                <dl className="facts">
                  <dt>From</dt>
                  <dd>
                    {m.from} <span className="muted">({m.accountName})</span>
                  </dd>
                  <dt>Created</dt>
                  <dd>
                    <Time iso={m.createdAt} />
                  </dd>
                  {m.sentAt && (
                    <>
                      <dt>Sent</dt>
                      <dd>
                        <Time iso={m.sentAt} />
                      </dd>
                    </>
                  )}
                  {kind === 'outbox' && m.notBefore && (
                    <>
                      <dt>Next attempt</dt>
                      <dd>
                        <Time iso={m.notBefore} />
                      </dd>
                    </>
                  )}
                  <dt>Attempts</dt>
                  <dd data-testid="message-attempts">{m.attempts}</dd>
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
                <Recipients recipients={m.recipients} />
                {m.lastError && (
                  <p className={m.state === 'queued' ? 'message-error will-retry' : 'message-error'} data-testid="message-error">
                    {m.lastError}
                  </p>
                )}
              </div>
              {kind === 'outbox' && (
                <div className="actions">
                  <button
                    type="button"
                    disabled={busy === m.id || !CAN_RETRY.includes(m.state)}
                    onClick={() => void act(m.id, window.outbound.outbox.retry)}
                  >
                    Retry now
                  </button>
                  <button
                    type="button"
                    className="danger"
                    disabled={busy === m.id || !CAN_CANCEL.includes(m.state)}
                    onClick={() => void act(m.id, window.outbound.outbox.cancel)}
                  >
                    Cancel
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function Recipients({ recipients }: { recipients: RecipientView[] }) {
  return (
    <ul className="recipients" aria-label="Recipients">
      {recipients.map((r) => (
        <li key={`${r.kind}:${r.address}`} data-testid="recipient" data-state={r.state}>
          <span className="kind">{r.kind}</span> {r.address}{' '}
          <span className={`badge small recipient-${r.state}`}>{r.state}</span>
          {r.reply && <code className="muted"> {r.reply}</code>}
        </li>
      ))}
    </ul>
  );
}

function Time({ iso }: { iso: string }) {
  return <time dateTime={iso}>{new Date(iso).toLocaleString()}</time>;
}

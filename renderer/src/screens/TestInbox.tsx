import { useCallback, useEffect, useState } from 'react';
import type { TestInboxFault, TestInboxMessageDetail, TestInboxMessageView, TestInboxView } from '../../../preload/common/contract/index.ts';
import { Banner } from '../components/Banner.tsx';
import { OpenedMessage } from '../components/OpenedMessage.tsx';
import { Time } from '../components/Time.tsx';
import { TryTestInbox } from '../components/TryTestInbox.tsx';
import { formatSize } from '../compose/progress.tsx';
import './TestInbox.css';

const FAULTS: Record<TestInboxFault, string> = {
  none: 'None: it takes every message',
  reject: 'Refuse every recipient but the first (550)',
  defer: 'Defer every recipient (451): the outbox retries',
  away: 'Away: nothing answers, mail waits in the Outbox',
};

/** What Outbound's own test server received, each message opened safely; its fault switch; Empty. */
export function TestInbox() {
  const [status, setStatus] = useState<TestInboxView | null>(null);
  const [messages, setMessages] = useState<TestInboxMessageView[]>([]);
  const [opened, setOpened] = useState<TestInboxMessageDetail | null>(null);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    const [now, list] = await Promise.all([window.outbound.testInbox.status(), window.outbound.testInbox.list()]);
    if (now.ok) setStatus(now.value);
    if (list.ok) setMessages(list.value);
    setError(!now.ok ? now.error.message : !list.ok ? list.error.message : null);
  }, []);
  useEffect(() => {
    void reload();
    return window.outbound.onTestInboxChanged(() => void reload());
  }, [reload]);

  async function open(id: number) {
    const result = await window.outbound.testInbox.get(id);
    setError(result.ok ? null : result.error.message);
    if (result.ok) setOpened(result.value);
  }
  async function setFault(fault: TestInboxFault) {
    const result = await window.outbound.testInbox.setFault(fault);
    setError(result.ok ? null : result.error.message);
    if (result.ok) setStatus(result.value);
  }
  async function empty() {
    const result = await window.outbound.testInbox.empty();
    setError(result.ok ? null : result.error.message);
    setOpened(null);
  }

  if (status === null) return <Banner kind="error">{error}</Banner>;
  if (status.accountId === null)
    return (
      <div className="empty">
        <p>There is no test inbox yet.</p>
        <TryTestInbox primary onAdded={() => void reload()} />
      </div>
    );
  return (
    <section className="test-inbox">
      <Banner kind="error">{error}</Banner>
      <p className="hint">
        A mail server on this computer ({status.running ? `listening on 127.0.0.1:${status.port}` : 'not listening now'}) that keeps whatever is sent to it, to
        any address, and sends nothing on.
      </p>
      <div className="actions">
        <label className="inline">
          Fault to play{' '}
          <select value={status.fault} onChange={(e) => void setFault(e.target.value as TestInboxFault)}>
            {Object.entries(FAULTS).map(([fault, label]) => (
              <option key={fault} value={fault}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" disabled={messages.length === 0} onClick={() => void empty()}>
          Empty
        </button>
      </div>
      {messages.length === 0 ? (
        <p className="empty">Nothing received yet. Write a message from the test inbox account, to any address.</p>
      ) : (
        <table className="received" aria-label="Messages received">
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">To</th>
              <th scope="col">Subject</th>
              <th scope="col">Received</th>
              <th scope="col">Size</th>
            </tr>
          </thead>
          <tbody>
            {messages.map((m) => (
              <tr key={m.id} aria-selected={opened?.id === m.id}>
                <td>{m.from}</td>
                <td>{m.envelopeTo.join(', ')}</td>
                <td>
                  <button type="button" className="link" onClick={() => void open(m.id)}>
                    {m.subject || '(no subject)'}
                  </button>
                </td>
                <td>
                  <Time iso={m.receivedAt} />
                </td>
                <td>{formatSize(m.size)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {opened && (
        <article className="opened" aria-label={`Message: ${opened.subject || '(no subject)'}`} data-testid="test-inbox-message">
          <OpenedMessage
            key={opened.id}
            content={opened}
            more={
              <>
                <dt>Envelope</dt>
                <dd>
                  {opened.envelopeFrom} → {opened.envelopeTo.join(', ')}
                </dd>
              </>
            }
          />
        </article>
      )}
    </section>
  );
}

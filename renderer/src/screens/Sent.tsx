import { useState, type ReactNode } from 'react';
import type { MessageContent, SentCopyView } from '../../../preload/common/contract/index.ts';
import { MessageCard, subjectIdOf } from '../components/MessageCard.tsx';
import { OpenedMessage } from '../components/OpenedMessage.tsx';
import { Time } from '../components/Time.tsx';
import { MessageList } from '../lists/MessageList.tsx';

export function Sent() {
  const [retryError, setRetryError] = useState<string | null>(null);
  async function retry(id: number) {
    const result = await window.outbound.sent.retryCopy(id);
    setRetryError(result.ok ? null : result.error.message);
  }
  return (
    <section className="messages" data-testid="sent-list">
      <MessageList
        actionError={retryError}
        load={window.outbound.sent.page}
        label="Messages sent"
        empty="Nothing sent yet."
        renderOpened={(m) => (
          <MessageCard
            message={m}
            status={m.sentCopy && <CopyInSent copy={m.sentCopy} />}
            details={<TheMessage id={m.id} bcc={m.recipients.filter((r) => r.kind === 'bcc').map((r) => r.address)} />}
            actions={
              m.sentCopy?.state === 'failed' && (
                <button type="button" onClick={() => void retry(m.id)} aria-describedby={subjectIdOf(m)}>
                  Copy to Sent again
                </button>
              )
            }
          />
        )}
      />
    </section>
  );
}

/** The message itself, as it went: read from its frozen bytes when opened (Bcc, on the envelope only, from its recipients). */
function TheMessage({ id, bcc }: { id: number; bcc: string[] }) {
  const [content, setContent] = useState<MessageContent | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function toggled(open: boolean) {
    if (!open || content) return;
    const result = await window.outbound.sent.content(id);
    setContent(result.ok ? result.value : null);
    setError(result.ok ? null : result.error.message);
  }
  return (
    <details className="the-message" onToggle={(event) => void toggled(event.currentTarget.open)}>
      <summary>The message</summary>
      {error && <p className="message-error">{error}</p>}
      {content && (
        <OpenedMessage
          id={id}
          content={content}
          more={
            bcc.length > 0 && (
              <>
                <dt>Bcc</dt>
                <dd>{bcc.join(', ')}</dd>
              </>
            )
          }
        />
      )}
    </details>
  );
}

/** Where the message's copy in the mailbox's Sent folder is, or why it is not (yet). */
function CopyInSent({ copy }: { copy: SentCopyView }) {
  const folder = copy.folder ? `“${copy.folder}”` : 'Sent';
  const line: Record<SentCopyView['state'], ReactNode> = {
    saved: <>Copy saved in {folder}.</>,
    pending: (
      <>
        Copy in {folder} waiting
        {copy.nextTry && Date.parse(copy.nextTry) > Date.now() ? (
          <>
            , next try <Time iso={copy.nextTry} />
          </>
        ) : (
          ''
        )}
        {copy.reason && `: ${copy.reason}`}
      </>
    ),
    failed: (
      <>
        No copy in {folder}: {copy.reason}
      </>
    ),
    skipped: <>No copy in Sent: {copy.reason}</>,
  };
  return (
    <p className={`copy-in-sent copy-${copy.state}`} data-testid="sent-copy" data-state={copy.state}>
      {line[copy.state]}
    </p>
  );
}

import { useState, type ReactNode } from 'react';
import type { MessageContent } from '../../../preload/common/contract/index.ts';
import { formatSize } from '../compose/progress.tsx';
import { MailBody } from './MailBody.tsx';
import { useTakeOut } from './TakeOut.tsx';
import { Time } from './Time.tsx';

interface OpenedMessageProps {
  content: MessageContent;
  /** Rows after Cc of what only Outbound knows (Bcc, the envelope). */
  more?: ReactNode;
  /** A message Outbound sent (its outbox id): its attachments can be saved, the message exported and edited as new. */
  id?: number;
}

/**
 * A message as its recipients read it: its headers, attachments and body (MailBody: nothing runs,
 * nothing remote loads), or its source.
 */
export function OpenedMessage({ content: m, more, id }: OpenedMessageProps) {
  const [source, setSource] = useState(false);
  const takeOut = useTakeOut(id);
  return (
    <>
      <dl className="headers">
        <dt>From</dt>
        <dd>{m.from}</dd>
        <dt>To</dt>
        <dd>{m.to}</dd>
        {m.cc && (
          <>
            <dt>Cc</dt>
            <dd>{m.cc}</dd>
          </>
        )}
        {more}
        <dt>Subject</dt>
        <dd>{m.subject || '(no subject)'}</dd>
        {m.date && (
          <>
            <dt>Date</dt>
            <dd>
              <Time iso={m.date} />
            </dd>
          </>
        )}
        {m.messageId && (
          <>
            <dt>Message-ID</dt>
            <dd>
              <code>{m.messageId}</code>
            </dd>
          </>
        )}
        {m.attachments.length > 0 && (
          <>
            <dt>Attachments</dt>
            <dd>
              {takeOut ? (
                <ul className="attachments-saved">
                  {m.attachments.map((a, index) => (
                    <li key={index}>
                      {a.filename} <span className="muted">({formatSize(a.size)})</span>{' '}
                      <button type="button" onClick={() => takeOut.saveAttachment(index)} aria-label={`Save a copy of ${a.filename}`}>
                        Save a copy
                      </button>
                    </li>
                  ))}
                </ul>
              ) : (
                m.attachments.map((a) => `${a.filename} (${formatSize(a.size)})`).join(', ')
              )}
            </dd>
          </>
        )}
      </dl>
      <div className="actions">
        <button type="button" aria-pressed={source} onClick={() => setSource((s) => !s)}>
          {source ? 'Show the message' : 'Show the source'}
        </button>
        {takeOut && (
          <>
            <button type="button" onClick={takeOut.exportEml}>
              Export .eml
            </button>
            <button type="button" onClick={takeOut.editAsNew}>
              Edit as new
            </button>
          </>
        )}
      </div>
      {takeOut?.error && (
        <p className="message-error" role="alert">
          {takeOut.error}
        </p>
      )}
      {source ? <pre className="mail-text source">{m.source}</pre> : <MailBody html={m.html} text={m.text} />}
    </>
  );
}

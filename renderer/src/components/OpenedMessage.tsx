import { useState, type ReactNode } from 'react';
import type { MessageContent } from '../../../preload/common/contract/index.ts';
import { formatSize } from '../compose/progress.tsx';
import { MailBody } from './MailBody.tsx';
import { Time } from './Time.tsx';

/**
 * A message as its recipients read it: its headers, attachments and body (MailBody: nothing runs,
 * nothing remote loads), or its source. `more`: rows after Cc of what only Outbound knows (Bcc, the envelope).
 */
export function OpenedMessage({ content: m, more }: { content: MessageContent; more?: ReactNode }) {
  const [source, setSource] = useState(false);
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
            <dd>{m.attachments.map((a) => `${a.filename} (${formatSize(a.size)})`).join(', ')}</dd>
          </>
        )}
      </dl>
      <div className="actions">
        <button type="button" aria-pressed={source} onClick={() => setSource((s) => !s)}>
          {source ? 'Show the message' : 'Show the source'}
        </button>
      </div>
      {source ? <pre className="mail-text source">{m.source}</pre> : <MailBody html={m.html} text={m.text} />}
    </>
  );
}

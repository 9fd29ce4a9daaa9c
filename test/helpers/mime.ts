/** Whole messages as a program hands them to sendmail, for tests that need MIME a composer would never write. */

export interface RawAttachment {
  /** The Content-Disposition filename, as hostile as the test wants it. */
  filename: string;
  content: string | Buffer;
}

/** A multipart/mixed message from me@outbound.test to ann@example.org: a text part, then each attachment in base64. */
export function rawWithAttachments(subject: string, text: string, attachments: RawAttachment[]): string {
  const parts = attachments.flatMap(({ filename, content }) => [
    '--b',
    'Content-Type: application/octet-stream',
    `Content-Disposition: attachment; filename="${filename}"`,
    'Content-Transfer-Encoding: base64',
    '',
    Buffer.from(content).toString('base64'),
  ]);
  const head = ['From: me@outbound.test', 'To: ann@example.org', `Subject: ${subject}`, 'MIME-Version: 1.0'];
  const body = ['Content-Type: multipart/mixed; boundary="b"', '', '--b', 'Content-Type: text/plain', '', text];
  return [...head, ...body, ...parts, '--b--', ''].join('\r\n');
}

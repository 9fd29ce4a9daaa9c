/** A message's bytes as its recipients read them (mailparser), its HTML sanitised for a sandboxed frame. */
import type { AddressObject } from 'mailparser';
import type { MessageContent } from '../../../preload/common/contract/index.ts';

export async function readMessage(bytes: Buffer): Promise<MessageContent> {
  // Loaded when a message is opened, not when the core starts.
  const [{ simpleParser }, { sanitiseHtml }] = await Promise.all([import('mailparser'), import('./body-html.ts')]);
  const parsed = await simpleParser(bytes, { skipImageLinks: true });
  return {
    from: addressesOf(parsed.from),
    to: addressesOf(parsed.to),
    cc: addressesOf(parsed.cc),
    subject: parsed.subject ?? '',
    date: parsed.date ? parsed.date.toISOString() : null,
    messageId: parsed.messageId ?? null,
    text: parsed.text ?? '',
    html: typeof parsed.html === 'string' ? sanitiseHtml(parsed.html) : null,
    attachments: parsed.attachments.map((a) => ({ filename: a.filename ?? '(no name)', contentType: a.contentType, size: a.size })),
    source: bytes.toString('utf8'),
  };
}

/** The From and Subject of a message, for a list: its body left unread. */
export async function summaryOf(bytes: Buffer): Promise<{ from: string; subject: string }> {
  const { simpleParser } = await import('mailparser');
  const parsed = await simpleParser(bytes, { skipHtmlToText: true, skipTextToHtml: true, skipImageLinks: true });
  return { from: addressesOf(parsed.from), subject: parsed.subject ?? '' };
}

/** An address header as a person reads it: `Ann <ann@example.org>, bob@example.net`. */
function addressesOf(field: AddressObject | AddressObject[] | undefined): string {
  return [field ?? []]
    .flat()
    .flatMap((a) => a.value)
    .map((m) => (m.name ? `${m.name} <${m.address ?? ''}>` : (m.address ?? '')))
    .join(', ');
}

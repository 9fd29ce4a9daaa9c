/** A message's bytes as its recipients read them (mailparser), its HTML sanitised for a sandboxed frame. */
import type { AddressObject, ParsedMail } from 'mailparser';
import type { MessageContent } from '../../../preload/common/contract/index.ts';

/**
 * A frozen message parsed as its recipients' clients read it; mailparser loaded when a message is
 * opened, not when the core starts. One parse for the viewer and for what is taken out of it
 * (reuse.ts), so an attachment's number means the same in both.
 */
export async function parseFrozen(bytes: Buffer): Promise<ParsedMail> {
  const { simpleParser } = await import('mailparser');
  return simpleParser(bytes, { skipImageLinks: true });
}

export async function readMessage(bytes: Buffer): Promise<MessageContent> {
  const [parsed, { sanitiseHtml }] = await Promise.all([parseFrozen(bytes), import('./body-html.ts')]);
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

/** The mailboxes of an address header (mailparser gives one object, or a list for a repeated header). */
export const mailboxesOf = (field: AddressObject | AddressObject[] | undefined) => [field ?? []].flat().flatMap((a) => a.value);

/** An address header as a person reads it: `Ann <ann@example.org>, bob@example.net`. */
function addressesOf(field: AddressObject | AddressObject[] | undefined): string {
  return mailboxesOf(field)
    .map((m) => (m.name ? `${m.name} <${m.address ?? ''}>` : (m.address ?? '')))
    .join(', ');
}

/**
 * What the user takes out of a frozen message: the file itself, one of its attachments, or a new
 * draft made from it (Edit as new). The frozen bytes are only read; nothing here changes the message.
 */
import type { Attachment } from 'mailparser';
import type { FileCopy } from '../../../preload/common/contract/index.ts';
import { INLINE_CID } from '../../../preload/common/mail-html.ts';
import type { Account } from '../accounts/store/index.ts';
import { notFound } from '../app-error.ts';
import { safeFileName, type AttachmentGate } from './attachments.ts';
import type { DraftFields } from './enqueue.ts';
import { mailboxesOf, parseFrozen } from './read.ts';

/** The frozen bytes, exactly: an .eml named after its subject. */
export function emlOf(bytes: Buffer, subject: string): FileCopy {
  // A subject is not a path: its slashes become dashes rather than cutting it short.
  const name = safeFileName(`${subject.replace(/[/\\]/g, '-').trim() || 'message'}.eml`);
  return { name, contentType: 'message/rfc822', base64: bytes.toString('base64') };
}

/** Attachment `index` of MessageContent.attachments (the same parse, so the same order), decoded. */
export async function attachmentOf(bytes: Buffer, index: number): Promise<FileCopy> {
  const { attachments } = await parseFrozen(bytes);
  const attachment = attachments[index];
  if (!attachment) {
    const has = attachments.length === 0 ? 'no attachments' : attachments.length === 1 ? 'one attachment' : `${attachments.length} attachments`;
    throw notFound(`That message has ${has}, so there is no attachment number ${index + 1}.`);
  }
  return { name: nameOf(attachment), contentType: attachment.contentType, base64: attachment.content.toString('base64') };
}

/**
 * A new draft's fields from a frozen message: its From (the account's identity, if it was one), To,
 * Cc and the envelope's Bcc, subject, HTML and text, and its attachments and inline images staged
 * anew from the message's own bytes (the files it was made from may be gone).
 */
export async function draftFieldsOf(bytes: Buffer, account: Account, bcc: string[], gate: AttachmentGate): Promise<DraftFields> {
  const parsed = await parseFrozen(bytes);
  const from = mailboxesOf(parsed.from)[0]?.address?.toLowerCase();
  const identity = account.identities.find((i) => i.email.toLowerCase() === from);
  const replyTo = mailboxesOf(parsed.replyTo).map(mailboxText).join(', ');
  const defaultReplyTo = (identity ? identity.replyTo : account.replyTo) ?? '';
  const html = typeof parsed.html === 'string' ? parsed.html : undefined;
  const fields: DraftFields = {
    accountId: account.id,
    ...(identity ? { identityId: identity.id } : {}),
    to: mailboxesOf(parsed.to).map(mailboxText),
    cc: mailboxesOf(parsed.cc).map(mailboxText),
    bcc,
    subject: parsed.subject ?? '',
    text: parsed.text ?? '',
    ...(html !== undefined ? { html } : {}),
    // Only a Reply-To that was chosen for this message: the identity's own comes back with the identity.
    ...(replyTo && !sameAddresses(replyTo, defaultReplyTo) ? { replyTo } : {}),
    attachments: [],
    inline: [],
  };
  for (const attachment of parsed.attachments) {
    const { path } = await gate.store(nameOf(attachment), attachment.content);
    const cid = attachment.cid;
    // An image the HTML shows stays inline; anything else (a cid nothing refers to too) is an attachment.
    if (cid && INLINE_CID.test(cid) && html?.includes(`cid:${cid}`)) fields.inline.push({ cid, path });
    else fields.attachments.push({ path });
  }
  return fields;
}

const nameOf = (attachment: Attachment): string => safeFileName(attachment.filename ?? 'attachment');

/** A mailbox as the composer's recipient field takes it back: a name with commas or quotes quoted. */
function mailboxText({ name, address = '' }: { name: string; address?: string | undefined }): string {
  if (!name) return address;
  const shown = /[",;<>@()[\]\\:]/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : name;
  return `${shown} <${address}>`;
}

const sameAddresses = (a: string, b: string): boolean => addressesIn(a) === addressesIn(b);
const addressesIn = (text: string): string => (text.match(/[^\s<>,"]+@[^\s<>,"]+/g) ?? []).map((s) => s.toLowerCase()).join(',');

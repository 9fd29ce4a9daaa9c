import { domainToASCII } from 'node:url';
import type * as z from 'zod/mini';
import type { AttachmentView, ComposeInput, DraftInput, DraftView, Hold, InlineImageView } from '../../../preload/common/contract/index.ts';
import type { Account } from '../accounts/store/index.ts';
import { invalid } from '../app-error.ts';
import type { OutboxStore } from '../outbox/store/index.ts';
import { parseAddressList, parseMailbox, type Mailbox } from './address.ts';
import type { AttachmentGate } from './attachments.ts';
import { deliveryReportFor } from './delivery-report.ts';
import { freezeMessage } from './freeze.ts';
import type { ServerLimitStore } from './limits.ts';

/** The HTML sanitiser and its text alternative (sanitize-html, html-to-text) load only for a message with HTML. */
const bodyHtml = () => import('./body-html.ts');

export type ComposeFields = z.output<typeof ComposeInput>;
export type DraftFields = z.output<typeof DraftInput>;

/** What enqueueing needs besides the outbox: which files may be attached, and what the server accepts. */
export interface ComposeContext {
  gate: AttachmentGate;
  limits: ServerLimitStore;
}

/** Rich text as the core keeps it anywhere (a draft, a template, a queued message): sanitised; null for none. */
export const sanitisedHtml = async (html: string | undefined): Promise<string | null> => (html?.trim() ? (await bodyHtml()).sanitiseHtml(html) : null);

/**
 * A draft as the core keeps it (on a saved draft, on a queued message for takeBack): HTML sanitised,
 * every file checked against the gate and described.
 */
export async function draftOf(gate: AttachmentGate, fields: DraftFields): Promise<DraftView> {
  const attachments: AttachmentView[] = [];
  for (const { path } of fields.attachments) attachments.push(await gate.check('attachments', path));
  const inline: InlineImageView[] = [];
  for (const { cid, path } of fields.inline) inline.push({ cid, ...(await gate.check('inline', path)) });
  const html = await sanitisedHtml(fields.html);
  return {
    accountId: fields.accountId,
    identityId: fields.identityId ?? null,
    to: fields.to,
    cc: fields.cc,
    bcc: fields.bcc,
    subject: fields.subject,
    text: fields.text,
    html,
    replyTo: fields.replyTo?.trim() || null,
    attachments,
    inline,
  };
}

/**
 * Validate, freeze and queue: when this resolves, the message's bytes and its row are on disk, and
 * nothing has been sent yet. Any bad field, a file not chosen by the user, or a message larger than
 * the server takes throws before anything is written.
 */
export async function enqueueMessage(
  outbox: OutboxStore,
  account: Account,
  fields: ComposeFields,
  context: ComposeContext,
  { undoSeconds }: { undoSeconds: number },
): Promise<number> {
  const { notBefore, hold } = whenToSend(fields, undoSeconds, outbox.clock.now());
  const to = parseAddressList('to', fields.to);
  const cc = parseAddressList('cc', fields.cc);
  const bcc = parseAddressList('bcc', fields.bcc);
  if (to.length + cc.length + bcc.length === 0) throw invalid('to', 'Add at least one recipient.');
  const { from, replyTo } = sender(account, fields);
  const draft = await draftOf(context.gate, fields);
  const text = draft.text || (draft.html ? (await bodyHtml()).textFromHtml(draft.html) : '');

  const limits = context.limits.get(account.id);
  if (limits && !limits.smtpUtf8) {
    for (const [field, mailboxes] of [
      ['from', [from]],
      ['to', to],
      ['cc', cc],
      ['bcc', bcc],
    ] as const) {
      const wide = mailboxes.find((m) => /[^\x00-\x7f]/.test(m.address.slice(0, m.address.lastIndexOf('@'))));
      if (wide) {
        throw invalid(field, `"${wide.address}" has non-ASCII characters before the @, which needs a server offering SMTPUTF8; ${account.host} does not.`);
      }
    }
  }
  const files = [...draft.attachments, ...draft.inline].map((a) => a.size);
  const tooLarge = context.limits.problem(account.id, account.host, Buffer.byteLength(text) + Buffer.byteLength(draft.html ?? ''), files);
  if (tooLarge) throw invalid('attachments', tooLarge);

  const frozen = await freezeMessage(outbox.dir, {
    from,
    replyTo,
    to,
    cc,
    bcc,
    subject: fields.subject,
    text,
    ...(draft.html ? { html: draft.html } : {}),
    attachments: draft.attachments,
    inline: draft.inline,
  });
  // Each address once in the envelope, under the first field it appears in.
  const seen = new Set<string>();
  const recipients = (['to', 'cc', 'bcc'] as const)
    .flatMap((kind) => ({ to, cc, bcc })[kind].map((m) => ({ kind, address: envelopeAddress(m.address) })))
    .filter(({ address }) => {
      const key = address.toLowerCase();
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  return outbox.insert({
    accountId: account.id,
    accountName: account.name,
    accountEmail: account.email,
    messageId: frozen.messageId,
    envelopeFrom: envelopeAddress(from.address),
    fromHeader: from.name ? `${from.name} <${from.address}>` : from.address,
    subject: fields.subject,
    rawFile: frozen.file,
    size: frozen.size,
    notBefore,
    hold,
    draft,
    recipients,
    deliveryReport: deliveryReportFor(fields.deliveryReport, account.deliveryReport),
  });
}

/** From and Reply-To: the chosen identity's, else the account's; an explicit Reply-To wins. */
function sender(account: Account, fields: ComposeFields): { from: Mailbox; replyTo: Mailbox | undefined } {
  const identity = fields.identityId === undefined ? undefined : account.identities.find((i) => i.id === fields.identityId);
  if (fields.identityId !== undefined && !identity) {
    throw invalid('identityId', `That From address is not one of ${account.name}'s identities any more: choose another.`);
  }
  const from: Mailbox = identity
    ? { name: identity.displayName || account.displayName, address: identity.email }
    : { name: account.displayName, address: account.email };
  const replyTo = fields.replyTo?.trim() || (identity ? identity.replyTo : account.replyTo);
  return { from, replyTo: replyTo ? parseMailbox('replyTo', replyTo) : undefined };
}

/**
 * The address as the envelope carries it: an internationalised domain as punycode when the local part
 * is ASCII, which every server accepts; a non-ASCII local part needs SMTPUTF8 and stays as it is.
 */
export function envelopeAddress(address: string): string {
  const at = address.lastIndexOf('@');
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (/[^\x00-\x7f]/.test(local) || !/[^\x00-\x7f]/.test(domain)) return address;
  return `${local}@${domainToASCII(domain) || domain}`;
}

/** A schedule, or the undo window (the message's own delay, else the user's setting). */
function whenToSend(fields: ComposeFields, undoSeconds: number, now: number): { notBefore: number; hold: Hold | null } {
  if (fields.sendAt !== undefined) {
    const at = Date.parse(fields.sendAt);
    if (at <= now) throw invalid('sendAt', 'The scheduled time has already passed: choose a time in the future.');
    return { notBefore: at, hold: 'scheduled' };
  }
  const delay = fields.delaySeconds ?? undoSeconds;
  return { notBefore: now + delay * 1000, hold: delay > 0 ? 'undo' : null };
}

/**
 * A whole message handed over as sendmail takes it (`outbound sendmail`): queued as it is, with the
 * same durability as a composed one. Only what sendmail itself changes is changed: CRLF line endings,
 * Bcc taken out of the headers, and From, Date and Message-ID added when missing.
 */
import { Readable } from 'node:stream';
import type * as z from 'zod/mini';
import type { SubmitRawInput } from '../../../preload/common/contract/index.ts';
import type { Account } from '../accounts/store/index.ts';
import { AppError, invalid } from '../app-error.ts';
import type { OutboxStore } from '../outbox/store/index.ts';
import { parseAddressList, parseMailbox, type Mailbox } from './address.ts';
import { deliveryReportFor } from './delivery-report.ts';
import { envelopeAddress, type ComposeContext } from './enqueue.ts';
import { newMessageId, writeFrozen } from './freeze.ts';

export type RawFields = z.output<typeof SubmitRawInput>;
type Kind = 'to' | 'cc' | 'bcc';

interface Field {
  /** Lower case. */
  name: string;
  /** Unfolded, without the name; one character per byte. */
  value: string;
  /** As given, continuation lines included, CRLF between them. */
  text: string;
}

const FIELD_NAME = /^([\x21-\x39\x3b-\x7e]+):/;

/** Bytes held in a string one character per byte (latin1), read as the UTF-8 they are in a modern message. */
const utf8 = (bytes: string): string => Buffer.from(bytes, 'latin1').toString('utf8');

/** The header fields and the body (from the blank line on) of a message, one character per byte, whose line endings are CRLF. */
export function splitMessage(message: string): { fields: Field[]; body: string } {
  const end = message.startsWith('\r\n') ? 0 : message.indexOf('\r\n\r\n');
  const head = end === -1 ? message.replace(/\r\n$/, '') : message.slice(0, end);
  const body = end === -1 ? '\r\n' : message.slice(end === 0 ? 0 : end + 2);
  const fields: Field[] = [];
  for (const [index, line] of (head ? head.split('\r\n') : []).entries()) {
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.text += `\r\n${line}`;
      last.value += line;
      continue;
    }
    const name = FIELD_NAME.exec(line);
    if (!name)
      throw invalid('raw', `Line ${index + 1} of the message is not a header field ("${utf8(line.slice(0, 60))}"): the headers end at the first empty line.`);
    fields.push({ name: name[1]!.toLowerCase(), value: line.slice(name[0].length), text: line });
  }
  return { fields, body };
}

/** The recipient fields -t reads: those of the first (topmost) Resent- block when there is one (RFC 5322 3.6.6). */
function recipientFields(fields: Field[]): { kind: Kind; field: Field }[] {
  const start = fields.findIndex((f) => f.name.startsWith('resent-'));
  let block = fields;
  let prefix = '';
  if (start !== -1) {
    const after = fields.slice(start).findIndex((f) => !f.name.startsWith('resent-'));
    block = fields.slice(start, after === -1 ? undefined : start + after);
    prefix = 'resent-';
  }
  return block.flatMap((field) => (['to', 'cc', 'bcc'] as const).filter((kind) => field.name === prefix + kind).map((kind) => ({ kind, field })));
}

/** The account: the one asked for, else the one whose address or identity is the envelope sender, else the default. */
function chooseAccount(accounts: readonly Account[], fields: RawFields, sender: string | undefined): Account {
  if (fields.accountId !== undefined) {
    const account = accounts.find((a) => a.id === fields.accountId);
    if (!account) throw new AppError('not_found', `There is no account ${fields.accountId}.`);
    return account;
  }
  const key = sender?.toLowerCase();
  const matching = key && accounts.find((a) => a.email.toLowerCase() === key || a.identities.some((i) => i.email.toLowerCase() === key));
  const account = matching || accounts.find((a) => a.isDefault) || accounts[0];
  if (!account) throw new AppError('not_found', 'There is no account to send from: add one with `outbound account add`.');
  return account;
}

/** A From mailbox as a header value: the name quoted, or encoded when it is not ASCII. */
async function formatMailbox({ name, address }: Mailbox): Promise<string> {
  if (!name) return address;
  const mime = await import('nodemailer/lib/mime-funcs');
  return `${mime.isPlainText(name) ? mime.quoteString(name) : mime.encodeWord(name, 'Q')} <${address}>`;
}

/** RFC 5322's date-time, in UTC. */
const rfc5322Date = (ms: number): string => new Date(ms).toUTCString().replace(/GMT$/, '+0000');

/** Validate and queue: when this resolves, the bytes and the row are durable and nothing has been sent. */
export async function submitRawMessage(outbox: OutboxStore, accounts: readonly Account[], fields: RawFields, context: ComposeContext): Promise<number> {
  // One character per byte, so that the message's bytes are kept exactly, whatever their charset.
  const message = Buffer.from(fields.raw, 'base64')
    .toString('latin1')
    .replace(/\r\n|\r|\n/g, '\r\n');
  if (!message.trim()) throw invalid('raw', 'The message is empty: give it on standard input, headers first.');
  const { fields: headers, body } = splitMessage(message);
  const header = (name: string) => headers.find((f) => f.name === name);
  const valueOf = (name: string) => {
    const field = header(name);
    return field && utf8(field.value).trim();
  };

  const fromField = header('from');
  const from = fromField ? parseAddressList('from', [utf8(fromField.value)])[0] : undefined;
  if (fields.readEnvelopeFrom && !from) throw invalid('from', 'The envelope sender is to be read from From, but the message has no From address.');
  const asked = fields.envelopeFrom === undefined ? undefined : parseMailbox('envelopeFrom', fields.envelopeFrom).address;
  const sender = fields.readEnvelopeFrom ? from!.address : asked;
  const account = chooseAccount(accounts, fields, sender);
  const identity = account.identities.find((i) => i.email.toLowerCase() === sender?.toLowerCase());
  const envelopeFrom = sender ?? account.email;

  // Each address once in the envelope, under the first header field it appears in; an operand named in no header is a blind copy.
  const kinds = new Map<string, Kind>();
  for (const { kind, field } of recipientFields(headers)) {
    for (const m of parseAddressList(kind, [utf8(field.value)])) if (!kinds.has(m.address.toLowerCase())) kinds.set(m.address.toLowerCase(), kind);
  }
  const recipients: { kind: Kind; address: string }[] = [];
  const seen = new Set<string>();
  const add = (kind: Kind, address: string) => {
    if (seen.has(address.toLowerCase())) return;
    seen.add(address.toLowerCase());
    recipients.push({ kind, address: envelopeAddress(address) });
  };
  if (fields.readRecipients) for (const [address, kind] of kinds) add(kind, address);
  for (const m of parseAddressList('recipients', fields.recipients)) add(kinds.get(m.address.toLowerCase()) ?? 'bcc', m.address);
  if (recipients.length === 0) throw invalid('recipients', 'No recipient: name them after the options, or give -t to read To, Cc and Bcc from the headers.');

  const fromMailbox = from ?? { name: fields.fromName ?? (identity?.displayName || account.displayName), address: identity?.email ?? account.email };
  const existingId = valueOf('message-id');
  const messageId = existingId || newMessageId(fromMailbox);
  const added = [
    ...(fromField ? [] : [`From: ${await formatMailbox(fromMailbox)}`]),
    ...(header('date') ? [] : [`Date: ${rfc5322Date(outbox.clock.now())}`]),
    ...(existingId ? [] : [`Message-ID: ${messageId}`]),
  ];
  const kept = headers.filter((f) => f.name !== 'bcc' && f.name !== 'resent-bcc').map((f) => f.text);
  const latin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');
  const bytes = Buffer.from(`${[...kept, ...added.map(latin1)].join('\r\n')}\r\n${body}`, 'latin1');

  const tooLarge = context.limits.problem(account.id, account.host, bytes.length, []);
  if (tooLarge) throw invalid('raw', tooLarge);
  const frozen = await writeFrozen(outbox.dir, Readable.from([bytes]));
  const subject = valueOf('subject') ?? '';
  const list = (kind: Kind) => recipients.filter((r) => r.kind === kind).map((r) => r.address);
  return outbox.insert({
    accountId: account.id,
    accountName: account.name,
    accountEmail: account.email,
    messageId,
    envelopeFrom: envelopeAddress(envelopeFrom),
    fromHeader: valueOf('from') ?? (await formatMailbox(fromMailbox)),
    subject,
    rawFile: frozen.file,
    size: frozen.size,
    notBefore: outbox.clock.now(),
    hold: null,
    submittedBy: 'sendmail',
    deliveryReport: deliveryReportFor(fields.deliveryReport, account.deliveryReport),
    // Taken back into the composer, the message is its recipients, subject and body as written.
    draft: {
      accountId: account.id,
      identityId: identity?.id ?? null,
      to: list('to'),
      cc: list('cc'),
      bcc: list('bcc'),
      subject,
      text: utf8(body.replace(/^\r\n/, '')),
      html: null,
      replyTo: null,
      attachments: [],
      inline: [],
    },
    recipients,
  });
}

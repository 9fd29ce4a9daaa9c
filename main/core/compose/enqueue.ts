import type { ComposeInput, Hold } from '../../../preload/contract.ts';
import type { z } from 'zod';
import type { Account } from '../accounts/store.ts';
import { invalid } from '../errors.ts';
import type { OutboxStore } from '../outbox/store.ts';
import { parseAddressList, type Mailbox } from './address.ts';
import { freezeMessage } from './freeze.ts';

export type ComposeFields = z.output<typeof ComposeInput>;

/**
 * Validate, freeze and queue: when this resolves, the message's bytes and its row are on disk, and
 * nothing has been sent yet. Any bad field throws before anything is written.
 */
export async function enqueueMessage(
  outbox: OutboxStore,
  account: Account,
  fields: ComposeFields,
  { undoSeconds, now = Date.now() }: { undoSeconds: number; now?: number },
): Promise<number> {
  const { notBefore, hold } = whenToSend(fields, undoSeconds, now);
  const to = parseAddressList('to', fields.to);
  const cc = parseAddressList('cc', fields.cc);
  const bcc = parseAddressList('bcc', fields.bcc);
  if (to.length + cc.length + bcc.length === 0) throw invalid('to', 'Add at least one recipient.');
  const from: Mailbox = { name: account.displayName, address: account.email };
  const frozen = await freezeMessage(outbox.dir, { from, to, cc, bcc, subject: fields.subject, text: fields.text });
  const recipients = [
    ...to.map((m) => ({ kind: 'to' as const, address: m.address })),
    ...cc.map((m) => ({ kind: 'cc' as const, address: m.address })),
    ...bcc.map((m) => ({ kind: 'bcc' as const, address: m.address })),
  ].filter((r, i, all) => all.findIndex((o) => o.address.toLowerCase() === r.address.toLowerCase()) === i);
  return outbox.insert({
    accountId: account.id,
    accountName: account.name,
    messageId: frozen.messageId,
    envelopeFrom: account.email,
    fromHeader: from.name ? `${from.name} <${from.address}>` : from.address,
    subject: fields.subject,
    rawFile: frozen.file,
    size: frozen.size,
    notBefore,
    hold,
    draft: { accountId: account.id, to: fields.to, cc: fields.cc, bcc: fields.bcc, subject: fields.subject, text: fields.text },
    recipients,
  });
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

/**
 * Beside each frozen message, what the database knows of it that its bytes do not say: the account
 * (by name and address) and the envelope, Bcc included (the bytes leave Bcc out). Written and synced
 * before the row is committed, so a database that is lost or damaged can be rebuilt from the messages
 * directory alone (repair.ts).
 */
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod/mini';
import { fsync } from '../../compose/freeze.ts';
import type { NewMessage } from './rows.ts';

const SUFFIX = '.envelope.json';

export const Envelope = z.object({
  messageId: z.string().check(z.minLength(1)),
  account: z.object({ name: z.string(), email: z.string() }),
  envelopeFrom: z.string(),
  fromHeader: z.string(),
  subject: z.string(),
  size: z.int().check(z.nonnegative()),
  recipients: z.array(z.object({ kind: z.enum(['to', 'cc', 'bcc']), address: z.string().check(z.minLength(1)) })).check(z.minLength(1)),
  createdAt: z.number(),
});
export type Envelope = z.infer<typeof Envelope>;

/** The envelope file of the frozen message `rawFile` (a name inside the messages directory). */
export const envelopeFileOf = (rawFile: string): string => rawFile.replace(/\.eml$/, '') + SUFFIX;
/** The frozen message an envelope file belongs to, or undefined for any other file name. */
export const rawFileOfEnvelope = (name: string): string | undefined => (name.endsWith(SUFFIX) ? name.slice(0, -SUFFIX.length) + '.eml' : undefined);

/** Durable once it resolves: the file and its directory entry synced. */
export async function writeEnvelope(dir: string, message: NewMessage, now: number): Promise<void> {
  const envelope: Envelope = {
    messageId: message.messageId,
    account: { name: message.accountName, email: message.accountEmail },
    envelopeFrom: message.envelopeFrom,
    fromHeader: message.fromHeader,
    subject: message.subject,
    size: message.size,
    recipients: message.recipients,
    createdAt: now,
  };
  const file = join(dir, envelopeFileOf(message.rawFile));
  const handle = await open(file, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(envelope));
    await handle.sync();
  } catch (error) {
    await handle.close();
    await rm(file, { force: true });
    throw error;
  }
  await handle.close();
  await fsync(dir);
}

/** A frozen message and its envelope file gone together. */
export async function removeFrozen(dir: string, rawFile: string): Promise<void> {
  await Promise.all([rm(join(dir, rawFile), { force: true }), rm(join(dir, envelopeFileOf(rawFile)), { force: true })]);
}

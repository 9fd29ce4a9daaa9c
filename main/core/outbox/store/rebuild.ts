/**
 * Messages brought back from the messages directory when the database lost them (repaired, or lost
 * and created anew): each frozen message with an envelope file and no row comes back as uncertain,
 * since nothing says whether it was sent. The user decides (send again, or mark as sent); nothing is
 * resent by itself.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Envelope, rawFileOfEnvelope } from './envelope-file.ts';
import type { OutboxDb } from './handle.ts';
import { indexMessages } from './search.ts';

export interface BroughtBack {
  /** Messages that came back as uncertain. */
  count: number;
  /** Envelope files that could not be read, with why: their messages stay in the directory, untouched. */
  unreadable: string[];
}

/** Synchronous: a database created anew is filled before anything reads it (a rare path; the files are small). */
export function bringBack(h: OutboxDb, now = h.clock.now()): BroughtBack {
  const known = new Set((h.sql('SELECT message_id FROM messages').all() as { message_id: string }[]).map((r) => r.message_id));
  const unreadable: string[] = [];
  const found: { rawFile: string; envelope: Envelope }[] = [];
  for (const name of readdirSync(h.dir).sort()) {
    const rawFile = rawFileOfEnvelope(name);
    if (!rawFile || !existsSync(join(h.dir, rawFile))) continue;
    const parsed = Envelope.safeParse(parseJson(readFileSync(join(h.dir, name), 'utf8')));
    if (!parsed.success) unreadable.push(`${name}: ${parsed.error.issues[0]?.message ?? 'not an envelope'}`);
    else if (!known.has(parsed.data.messageId)) found.push({ rawFile, envelope: parsed.data });
  }
  for (const id of h.transaction(insertUncertain)(h, found, now)) h.changed(id, 'uncertain');
  return { count: found.length, unreadable };
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const WHY = 'Brought back from its file when the database was repaired: whether it was sent is not known. Send it again, or mark it as sent if it arrived.';

function insertUncertain(h: OutboxDb, found: readonly { rawFile: string; envelope: Envelope }[], now: number): number[] {
  const accountOf = h.sql('SELECT id, name FROM accounts WHERE email = ? COLLATE NOCASE ORDER BY is_default DESC, id LIMIT 1');
  const insertMessage = h.sql(
    `INSERT INTO messages (account_id, account_name, message_id, envelope_from, from_header, subject, raw_file, size, state, not_before,
       last_error, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'uncertain', ?, ?, ?, ?)`,
  );
  const insertRecipient = h.sql('INSERT INTO recipients (message_id, position, kind, address) VALUES (?, ?, ?, ?)');
  // Searchable by subject and people; its body text is in the file only.
  const index = h.sql(indexMessages('m.id = ?'));
  return found.map(({ rawFile, envelope: e }) => {
    const account = accountOf.get(e.account.email) as { id: number; name: string } | undefined;
    const { lastInsertRowid } = insertMessage.run(
      account?.id ?? null,
      account?.name ?? e.account.name,
      e.messageId,
      e.envelopeFrom,
      e.fromHeader,
      e.subject,
      rawFile,
      e.size,
      e.createdAt,
      WHY,
      e.createdAt,
      now,
    );
    e.recipients.forEach((r, position) => insertRecipient.run(lastInsertRowid, position, r.kind, r.address));
    index.run(lastInsertRowid);
    return Number(lastInsertRowid);
  });
}

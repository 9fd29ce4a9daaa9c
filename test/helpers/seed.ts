/**
 * Many messages at once, straight into SQLite in one transaction (the rows enqueue writes, no
 * frozen files), indexed for search by the store's own statement: what a data directory looks like
 * after years of mail, made in seconds, for the lists' tests and bench/ui.ts.
 */
import type { Core } from '../../main/core/index.ts';
import { indexMessages } from '../../main/core/outbox/store/search.ts';

const TOPICS = ['Invoice', 'Meeting notes', 'Quarterly report', 'Holiday photos', 'Contract draft', 'Weekly update', 'Party on Friday', 'Lunch'];

export interface Seeded {
  /** The ids, oldest first. */
  ids: number[];
}

/**
 * `count` sent messages of `account`, one a minute back from `newest` (epoch ms), each to one of 50
 * people, numbered in its subject (`Invoice 17`) and its text (`message number 17`).
 */
export function seedSent(core: Core, account: { id: number; name: string; email: string }, count: number, newest: number): Seeded {
  const db = core.db;
  const message = db.prepare(
    `INSERT INTO messages (account_id, account_name, message_id, envelope_from, from_header, subject, raw_file, size, state, not_before,
       attempts, last_reply, created_at, sent_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 2048, 'sent', ?, 1, '250 2.0.0 Ok', ?, ?, ?)`,
  );
  const recipient = db.prepare(`INSERT INTO recipients (message_id, position, kind, address, state, reply) VALUES (?, 0, 'to', ?, 'accepted', '250 Ok')`);
  const draft = db.prepare('INSERT INTO message_drafts (message_id, content) VALUES (?, ?)');
  const ids: number[] = [];
  const first = (db.prepare('SELECT coalesce(max(id), 0) FROM messages').pluck().get() as number) + 1;
  db.transaction(() => {
    for (let n = 1; n <= count; n++) {
      const at = newest - (count - n) * 60_000;
      const subject = `${TOPICS[n % TOPICS.length]} ${n}`;
      const to = `person${n % 50}@example.org`;
      const { lastInsertRowid } = message.run(
        account.id,
        account.name,
        `<seed-${first + n}@outbound.test>`,
        account.email,
        account.email,
        subject,
        `seed-${first + n}.eml`,
        at,
        at,
        at,
        at,
      );
      const id = Number(lastInsertRowid);
      recipient.run(id, to);
      const text = `Hello, this is message number ${n}. See you soon.`;
      draft.run(
        id,
        JSON.stringify({
          accountId: account.id,
          identityId: null,
          to: [to],
          cc: [],
          bcc: [],
          subject,
          text,
          html: null,
          replyTo: null,
          attachments: [],
          inline: [],
        }),
      );
      ids.push(id);
    }
    db.prepare(indexMessages('m.id >= ?')).run(first);
  })();
  return { ids };
}

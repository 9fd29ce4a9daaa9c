/**
 * The copies in Sent: one job per sent message of an account with IMAP, made by the trigger of
 * migration 11 in the transaction that records the message sent, so a copy is never lost and never
 * delays the send. Claimed under a lease like messages (a crashed owner's copies are taken over);
 * the copier then looks for the Message-ID before appending, so a crash between the APPEND and its
 * record makes no second copy.
 */
import type { Statement } from 'better-sqlite3';
import type { SentCopyView } from '../../../../preload/common/contract/index.ts';
import type { Clock } from '../../clock.ts';
import { statements, type Db } from '../../db/index.ts';
import { AppError } from '../../app-error.ts';

interface CopyRow {
  message_id: number;
  state: SentCopyView['state'];
  not_before: number;
  attempts: number;
  folder: string | null;
  reason: string | null;
}

/** A claimed copy, with what the copier needs of its message. */
export interface ClaimedCopy {
  id: number;
  accountId: number | null;
  messageId: string;
  rawFile: string;
  sentAt: number;
  /** Tries before this one. */
  attempts: number;
  /** Set once an APPEND was about to start: until then nothing in Sent can be a copy of ours. */
  folder: string | null;
  /** The server's reply to the end of data: Microsoft's names the Message-ID it gave the message instead. */
  lastReply: string | null;
  bcc: string[];
}

export class CopyStore {
  private readonly sql: (sql: string) => Statement;
  private readonly db: Db;
  private readonly clock: Clock;

  constructor(db: Db, clock: Clock) {
    this.db = db;
    this.sql = statements(db);
    this.clock = clock;
  }

  /** Due copies (all pending ones with `flush`), not leased by a live owner, now leased to `owner`. */
  claim(owner: string, leaseUntil: number, by: { flush?: boolean; isDeadOwner: (owner: string) => boolean }, limit = 50): ClaimedCopy[] {
    const now = this.clock.now();
    return this.db.transaction(() => {
      const rows = (
        this.sql(
          `SELECT c.message_id AS id, c.attempts, c.folder, c.lease_owner, c.lease_until, m.account_id, m.message_id AS mid, m.raw_file, m.sent_at, m.last_reply
           FROM sent_copies c JOIN messages m ON m.id = c.message_id
           WHERE c.state = 'pending' AND (@flush OR c.not_before <= @now) ORDER BY c.not_before LIMIT @limit`,
        ).all({ flush: by.flush ? 1 : 0, now, limit }) as {
          id: number;
          attempts: number;
          folder: string | null;
          lease_owner: string | null;
          lease_until: number | null;
          account_id: number | null;
          mid: string;
          raw_file: string;
          sent_at: number;
          last_reply: string | null;
        }[]
      ).filter((r) => r.lease_owner === null || (r.lease_until ?? 0) < now || by.isDeadOwner(r.lease_owner));
      const lease = this.sql('UPDATE sent_copies SET lease_owner = ?, lease_until = ?, attempts = attempts + 1 WHERE message_id = ?');
      const bcc = this.sql(`SELECT address FROM recipients WHERE message_id = ? AND kind = 'bcc' ORDER BY position`).pluck();
      return rows.map((r) => {
        lease.run(owner, leaseUntil, r.id);
        return {
          id: r.id,
          accountId: r.account_id,
          messageId: r.mid,
          rawFile: r.raw_file,
          sentAt: r.sent_at,
          lastReply: r.last_reply,
          attempts: r.attempts,
          folder: r.folder,
          bcc: bcc.all(r.id) as string[],
        };
      });
    })();
  }

  /** The copy's outcome, under the lease it was claimed with (a copy taken over meanwhile is the new owner's). */
  record(copy: Pick<ClaimedCopy, 'id'>, owner: string, outcome: CopyOutcome): void {
    const values = { folder: null, uid: null, uidvalidity: null, reason: null, notBefore: this.clock.now(), ...outcome };
    this.sql(
      `UPDATE sent_copies SET state = @state, folder = coalesce(@folder, folder), uid = @uid, uidvalidity = @uidvalidity, reason = @reason,
         not_before = @notBefore, lease_owner = NULL, lease_until = NULL, updated_at = @now
       WHERE message_id = @id AND lease_owner = @owner AND state = 'pending'`,
    ).run({ ...values, id: copy.id, owner, now: this.clock.now() });
  }

  /** An APPEND into `folder` is about to start (durably, before it does): `auto` must not take what a crash left there for the server's own copy. */
  appending(copy: Pick<ClaimedCopy, 'id'>, owner: string, folder: string): void {
    this.sql('UPDATE sent_copies SET folder = ? WHERE message_id = ? AND lease_owner = ?').run(folder, copy.id, owner);
  }

  /** A failed or waiting copy tried again now. */
  retry(id: number): void {
    const row = this.sql('SELECT state FROM sent_copies WHERE message_id = ?').get(id) as { state: string } | undefined;
    if (!row) throw new AppError('conflict', `Message ${id} has no copy in Sent to try: its account has no IMAP server, or it is not sent yet.`);
    if (row.state === 'saved' || row.state === 'skipped')
      throw new AppError('conflict', `The copy of message ${id} is ${row.state}: there is nothing to try again.`);
    this.sql(`UPDATE sent_copies SET state = 'pending', not_before = ?, updated_at = ? WHERE message_id = ? AND state IN ('pending', 'failed')`).run(
      this.clock.now(),
      this.clock.now(),
      id,
    );
  }

  /** Messages left uncertain since `since` on accounts whose server files what it is given in Sent: the mailbox can settle them. */
  uncertainFiled(since: number): { id: number; accountId: number; messageId: string }[] {
    return this.sql(
      `SELECT m.id, m.account_id AS accountId, m.message_id AS messageId FROM messages m JOIN accounts a ON a.id = m.account_id
       WHERE m.state = 'uncertain' AND m.updated_at >= ? AND a.imap_host IS NOT NULL AND a.server_files_sent = 1`,
    ).all(since) as { id: number; accountId: number; messageId: string }[];
  }

  /** When the next pending copy falls due. */
  nextDue(): number | undefined {
    const row = this.sql(`SELECT min(not_before) AS due FROM sent_copies WHERE state = 'pending'`).get() as { due: number | null };
    return row.due ?? undefined;
  }
}

/** The copies of these messages, as the user sees them (the outbox's views read them with their messages). */
export function sentCopyViews(sql: (sql: string) => Statement, ids: readonly number[]): Map<number, SentCopyView> {
  if (ids.length === 0) return new Map();
  const rows = sql(`SELECT * FROM sent_copies WHERE message_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)) as CopyRow[];
  return new Map(
    rows.map((r) => [
      r.message_id,
      { state: r.state, folder: r.folder, reason: r.reason, nextTry: r.state === 'pending' ? new Date(r.not_before).toISOString() : null },
    ]),
  );
}

export type CopyOutcome =
  | { state: 'saved'; folder: string; uid: number | null; uidvalidity: number | null }
  | { state: 'pending'; reason: string; notBefore: number; folder?: string }
  | { state: 'failed' | 'skipped'; reason: string; folder?: string };

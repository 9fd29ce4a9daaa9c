/**
 * The outbox's rows. Every state change is an SQLite transaction (WAL), durable before anything
 * follows from it: committed with synchronous=FULL, or committed without an fsync and then made
 * durable by a WAL sync off the event loop (see ARCHITECTURE.md, "The outbox"). Claiming is an
 * atomic transaction with a lease, so the app and the CLI on the same data directory never submit
 * the same message at once.
 */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { AttemptView, DraftView, Hold, MessageState, MessageView, OutboxChange, RecipientState, RecipientView, SmtpStage } from '../../../preload/common/contract/index.ts';
import type { Statement, Transaction } from 'better-sqlite3';
import { systemClock, type Clock } from '../clock.ts';
import { statements, WalSync, type Db } from '../db/index.ts';
import { toDraftView } from '../drafts/store.ts';
import { AppError, notFound } from '../errors.ts';

export interface MessageRow {
  id: number;
  account_id: number | null;
  account_name: string;
  message_id: string;
  envelope_from: string;
  from_header: string;
  subject: string;
  raw_file: string;
  size: number;
  state: MessageState;
  not_before: number;
  lease_owner: string | null;
  lease_until: number | null;
  attempts: number;
  last_stage: SmtpStage | null;
  last_reply: string | null;
  last_error: string | null;
  created_at: number;
  sent_at: number | null;
  updated_at: number;
  hold: Hold | null;
  waiting_for_network: number;
}

interface RecipientRow {
  id: number;
  message_id: number;
  position: number;
  kind: RecipientView['kind'];
  address: string;
  state: RecipientState;
  reply: string | null;
}

interface AttemptRow {
  started_at: number;
  finished_at: number | null;
  stage: SmtpStage | null;
  outcome: MessageState | null;
  reply: string | null;
  error: string | null;
  transcript: string | null;
}

export interface NewMessage {
  accountId: number;
  accountName: string;
  messageId: string;
  envelopeFrom: string;
  fromHeader: string;
  subject: string;
  rawFile: string;
  size: number;
  notBefore: number;
  hold: Hold | null;
  draft: DraftView;
  recipients: { kind: RecipientView['kind']; address: string }[];
}

/** How an attempt ended, decided by the sender. */
export interface AttemptOutcome {
  state: Extract<MessageState, 'queued' | 'sent' | 'failed' | 'uncertain'>;
  stage: SmtpStage;
  reply: string | null;
  error: string | null;
  transcript: string;
  notBefore?: number;
  /** Retry as soon as the network is back (the failure was the network's). */
  waitingForNetwork?: boolean;
  recipients: { address: string; state: RecipientState; reply: string | null }[];
}

/**
 * Accounts under every limit they have (small tables and indexed counts): not paused, fewer
 * connections in use (distinct lease owners: each sender connection is one) than max_connections,
 * and how many more messages the current one-minute window of max_per_minute allows.
 */
const ELIGIBLE_ACCOUNTS = `
  SELECT a.id, CASE WHEN a.rate_window_start <= @now - 60000 THEN a.max_per_minute ELSE a.max_per_minute - a.rate_window_count END AS quota
  FROM accounts a
  WHERE a.paused_reason IS NULL
    AND (SELECT count(DISTINCT s.lease_owner) FROM messages s WHERE s.account_id = a.id AND s.state = 'sending') < a.max_connections
    AND (a.rate_window_start <= @now - 60000 OR a.rate_window_count < a.max_per_minute)`;
/** The next due messages of the given accounts; a flush also takes messages waiting out a backoff, never ones held on purpose. */
const dueMessages = (due: string) => `
  SELECT id, account_id FROM messages
  WHERE state = 'queued' AND ${due} AND account_id IN (SELECT value FROM json_each(@accounts))
  ORDER BY not_before, id LIMIT @limit`;
const NEXT_DUE = dueMessages('not_before <= @now');
const NEXT_FOR_FLUSH = dueMessages('(not_before <= @now OR hold IS NULL)');
/** max_per_minute in fixed one-minute windows. */
const COUNT_IN_RATE_WINDOW = `
  UPDATE accounts SET
    rate_window_count = CASE WHEN rate_window_start <= @now - 60000 THEN @count ELSE rate_window_count + @count END,
    rate_window_start = CASE WHEN rate_window_start <= @now - 60000 THEN @now ELSE rate_window_start END
  WHERE id = @id`;

const noSuchMessage = (id: number) => notFound(`There is no message with id ${id} in the outbox.`);

/** Far longer than writing a message and committing its row can take. */
const ORPHAN_AGE_MS = 60 * 60_000;

export interface ClaimBy {
  id?: number;
  flush?: boolean;
  prefer?: number | undefined;
  /** Up to this many due messages of one account, for one connection to send in turn (default 1). */
  limit?: number;
  /**
   * Sent outcomes of the caller's previous attempts, committed with the claim if one is made (the
   * caller commits them with `finish` otherwise).
   */
  finishing?: readonly FinishedAttempt[];
  /** Told, once the claim has committed, which of `finishing` were not recorded: their lease had passed on (see `finish`). */
  leaseLost?: (lost: FinishedAttempt[]) => void;
}

/** Rolls the claim transaction back when nothing was claimed but an outcome rode along: it is committed durably on its own. */
const NOTHING_CLAIMED = Symbol('nothing claimed');
function nothingClaimed(by: ClaimBy): ClaimResult {
  if (by.finishing?.length) throw NOTHING_CLAIMED;
  return { claimed: [], lost: [] };
}

interface ClaimResult {
  claimed: Claimed[];
  /** Of the outcomes that rode along, those whose lease had passed on. */
  lost: FinishedAttempt[];
}

/** A message claimed for an attempt, with the recipients still to be tried: pending, or deferred by a 4xx. */
export interface Claimed {
  row: MessageRow;
  recipients: string[];
}

/** An attempt and how it ended, ready to be recorded. */
export interface FinishedAttempt {
  /** The message as claimed: its `lease_owner` is the lease the outcome is recorded under. */
  row: MessageRow;
  startedAt: number;
  outcome: AttemptOutcome;
}

/**
 * Messages still to be sent or decided on (an account with any cannot simply vanish). Written as
 * migration 7's partial index `messages_unsent` is, so that SQLite uses it.
 */
export const UNSENT = `state IN ('queued', 'sending', 'failed', 'uncertain')`;

export type Folder = 'outbox' | 'sent';
const FOLDERS: Record<Folder, { where: string; order: string }> = {
  outbox: { where: UNSENT, order: 'created_at DESC, id DESC' },
  sent: { where: `state = 'sent'`, order: 'sent_at DESC, id DESC' },
};
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

export class OutboxStore {
  private readonly db: Db;
  private readonly sql: (sql: string) => Statement;
  readonly dir: string;
  private readonly changed: (id: number, state: MessageState) => void;
  private readonly wal: WalSync;
  /** What due times, leases and the rows' times go by (the sender and enqueue read it too). */
  readonly clock: Clock;

  constructor(db: Db, dir: string, changed: (id: number, state: MessageState) => void, clock: Clock = systemClock) {
    this.db = db;
    this.clock = clock;
    this.sql = statements(db);
    this.wal = new WalSync(db);
    this.dir = dir;
    this.changed = changed;
    this.claimTransaction = db.transaction(this.claimInTransaction.bind(this));
    this.finishTransaction = db.transaction((attempts: readonly FinishedAttempt[], now: number) => attempts.filter((a) => !this.applyFinish(a, now)));
    this.takeBackTransaction = db.transaction(this.takeBackRow.bind(this));
    this.insertTransaction = db.transaction(this.insertRows.bind(this));
  }

  fileOf(row: Pick<MessageRow, 'raw_file'>): string {
    return join(this.dir, row.raw_file);
  }

  /** Durable once it resolves: committed, then the WAL synced off the event loop. */
  async insert(message: NewMessage, now = this.clock.now()): Promise<number> {
    const id = this.wal.unsynced(() => this.insertTransaction(message, now));
    await this.wal.sync();
    this.changed(id, 'queued');
    return id;
  }

  private readonly insertTransaction: Transaction<typeof this.insertRows>;

  private insertRows(message: NewMessage, now: number): number {
    const { lastInsertRowid } = this
      .sql(
        `INSERT INTO messages (account_id, account_name, message_id, envelope_from, from_header, subject, raw_file, size, state, not_before,
           hold, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?)`,
      )
      .run(message.accountId, message.accountName, message.messageId, message.envelopeFrom, message.fromHeader, message.subject,
        message.rawFile, message.size, message.notBefore, message.hold, now, now);
    this.sql('INSERT INTO message_drafts (message_id, content) VALUES (?, ?)').run(lastInsertRowid, JSON.stringify(message.draft));
    const insertRecipient = this.sql('INSERT INTO recipients (message_id, position, kind, address) VALUES (?, ?, ?, ?)');
    message.recipients.forEach((r, position) => insertRecipient.run(lastInsertRowid, position, r.kind, r.address));
    return Number(lastInsertRowid);
  }

  row(id: number): MessageRow {
    const row = this.sql('SELECT * FROM messages WHERE id = ?').get(id) as MessageRow | undefined;
    if (!row) throw noSuchMessage(id);
    return row;
  }

  view(id: number): MessageView {
    const [view] = this.views('SELECT * FROM messages WHERE id = ?', [id]);
    if (!view) throw noSuchMessage(id);
    return view;
  }

  /** Newest first. */
  attempts(id: number): AttemptView[] {
    this.row(id); // an unknown id is an error, not an empty history
    const rows = this
      .sql('SELECT started_at, finished_at, stage, outcome, reply, error, transcript FROM attempts WHERE message_id = ? ORDER BY id DESC')
      .all(id) as AttemptRow[];
    return rows.map((r) => ({
      startedAt: iso(r.started_at)!,
      finishedAt: iso(r.finished_at),
      stage: r.stage,
      outcome: r.outcome,
      reply: r.reply,
      error: r.error,
      transcript: r.transcript ?? '',
    }));
  }

  list(folder: Folder, limit = 1000): MessageView[] {
    const { where, order } = FOLDERS[folder];
    return this.views(`SELECT * FROM messages WHERE ${where} ORDER BY ${order} LIMIT ?`, [limit]);
  }

  /**
   * Take the next messages that are due (or, with `id`, that one) for `owner` until `leaseUntil`: up
   * to `limit` of one account, within its limits — not paused, fewer than max_connections connections
   * sending, no more than max_per_minute claimed in the current one-minute window. One IMMEDIATE
   * transaction: every process on this data directory sees the same counts, and no two claim the same
   * message. `flush` also takes messages waiting out a backoff, never ones held by the undo window or
   * a schedule. `prefer`: an account to take first (the caller's connection to its server is open).
   */
  claim(owner: string, now: number, leaseUntil: number, by: ClaimBy = {}): Claimed[] {
    // A claim needs atomicity across processes, not an fsync of its own: lost in a power cut, the
    // messages are simply queued again. The body mark (markBodyStarted), whose WAL sync covers the
    // claim, is durable before any end of data that could deliver a message. The same holds for sent
    // outcomes riding along (`by.finishing`): nothing follows from them before that sync.
    let result: ClaimResult = { claimed: [], lost: [] };
    try {
      result = this.wal.unsynced(() => this.claimTransaction.immediate(owner, now, leaseUntil, by));
    } catch (error) {
      if (error !== NOTHING_CLAIMED) throw error;
    }
    const { claimed, lost } = result;
    if (claimed.length) {
      this.announceRecorded(by.finishing ?? [], lost);
      if (lost.length) by.leaseLost?.(lost);
    }
    for (const { row } of claimed) this.changed(row.id, 'sending');
    return claimed;
  }

  private readonly claimTransaction: Transaction<typeof this.claimInTransaction>;

  private claimInTransaction(owner: string, now: number, leaseUntil: number, by: ClaimBy): ClaimResult {
    // First, so that the finished messages no longer count as a connection in use.
    const lost = (by.finishing ?? []).filter((finished) => !this.applyFinish(finished, now));
    const quotas = new Map((this.sql(ELIGIBLE_ACCOUNTS).all({ now }) as { id: number; quota: number }[]).map((a) => [a.id, a.quota]));
    const next = (accounts: number[], limit: number) =>
      this.sql(by.flush ? NEXT_FOR_FLUSH : NEXT_DUE).all({ now, accounts: JSON.stringify(accounts), limit }) as { id: number; account_id: number }[];
    const within = (account: number) => Math.max(1, Math.min(by.limit ?? 1, quotas.get(account) ?? 0));
    let chosen: { id: number; account_id: number }[];
    if (by.id !== undefined) {
      chosen = this.sql(`SELECT id, account_id FROM messages WHERE id = ? AND state = 'queued'`).all(by.id) as typeof chosen;
    } else {
      chosen = by.prefer !== undefined && quotas.has(by.prefer) ? next([by.prefer], within(by.prefer)) : [];
      if (chosen.length === 0) {
        const [first] = next([...quotas.keys()], 1);
        chosen = first ? next([first.account_id], within(first.account_id)) : [];
      }
    }
    const account = chosen[0]?.account_id;
    if (account === undefined || !quotas.has(account)) return nothingClaimed(by);
    this.sql(COUNT_IN_RATE_WINDOW).run({ id: account, now, count: chosen.length });
    const ids = JSON.stringify(chosen.map((c) => c.id));
    const rows = new Map((this.sql(
      `UPDATE messages SET state = 'sending', lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1,
         last_stage = 'connect', hold = NULL, waiting_for_network = 0, updated_at = @now
       WHERE id IN (SELECT value FROM json_each(@ids)) RETURNING *`,
    ).all({ ids, owner, now, leaseUntil }) as MessageRow[]).map((row) => [row.id, row]));
    const recipients = Map.groupBy(
      this.sql(`SELECT message_id, address FROM recipients WHERE message_id IN (SELECT value FROM json_each(?)) AND state IN ('pending', 'deferred')
        ORDER BY message_id, position`).all(ids) as { message_id: number; address: string }[],
      (r) => r.message_id,
    );
    return { claimed: chosen.map(({ id }) => ({ row: rows.get(id)!, recipients: (recipients.get(id) ?? []).map((r) => r.address) })), lost };
  }

  /** Keep every message `owner` holds from expiring: they are being sent, or wait their turn on its connection. */
  renewLeases(owner: string, leaseUntil: number): void {
    this.sql(`UPDATE messages SET lease_until = ? WHERE lease_owner = ? AND state = 'sending'`).run(leaseUntil, owner);
  }

  /** Claimed messages whose attempt never started (the sender is stopping) go back to the queue as they were. */
  release(owner: string, ids: number[]): void {
    const rows = this
      .sql(`UPDATE messages SET state = 'queued', lease_owner = NULL, lease_until = NULL, attempts = attempts - 1
            WHERE id IN (SELECT value FROM json_each(?)) AND lease_owner = ? AND state = 'sending' AND last_stage = 'connect' RETURNING id`)
      .all(JSON.stringify(ids), owner) as { id: number }[];
    for (const r of rows) this.changed(r.id, 'queued');
  }

  /**
   * The attempt starts its body. A crash is judged by this mark (without it: queued again; with it:
   * uncertain), so it is durable before the end of data, the one thing that can make the message
   * deliverable: committed without blocking on the disk, then the WAL is synced off the event loop
   * while the body goes out and the other connections keep sending.
   *
   * Only under the lease the message was claimed with (`row.lease_owner`): false when it has passed
   * on (it expired and the message was taken over), and then the end of data must not be sent.
   */
  async markBodyStarted(row: Pick<MessageRow, 'id' | 'lease_owner'>): Promise<boolean> {
    const { changes } = this.wal.unsynced(() =>
      this.sql(`UPDATE messages SET last_stage = 'body' WHERE id = ? AND lease_owner = ? AND state = 'sending'`).run(row.id, row.lease_owner));
    if (changes === 0) return false;
    await this.wal.sync();
    return true;
  }

  /**
   * Sent outcomes committed without an fsync of their own: durable with the next WAL sync (the
   * connection's next body mark), before which nothing follows from them. Returns those not
   * recorded, as `finish` does.
   */
  recordSent(attempts: readonly FinishedAttempt[], now = this.clock.now()): FinishedAttempt[] {
    const lost = this.wal.unsynced(() => this.finishTransaction(attempts, now));
    this.announceRecorded(attempts, lost);
    return lost;
  }

  /** Everything committed so far made durable (a sender's last outcomes, before it reports them). */
  sync(): Promise<void> {
    return this.wal.sync();
  }

  /** Once the sender has stopped, before the database closes. */
  close(): Promise<void> {
    return this.wal.close();
  }

  /**
   * Close attempts durably: for each, the attempt row, the recipients and the message's new state, in
   * one transaction. Each only under the lease it was claimed with: an attempt whose lease has passed
   * on (it expired, and the message was taken over) records nothing, not even its attempt row, over
   * whatever the new owner or the user made of the message. Returns those attempts.
   */
  finish(attempts: readonly FinishedAttempt[], now = this.clock.now()): FinishedAttempt[] {
    const lost = this.finishTransaction(attempts, now);
    this.announceRecorded(attempts, lost);
    return lost;
  }

  private readonly finishTransaction: Transaction<(attempts: readonly FinishedAttempt[], now: number) => FinishedAttempt[]>;

  /** False, with nothing written, when the attempt's lease has passed on. */
  private applyFinish({ row, startedAt, outcome }: FinishedAttempt, now: number): boolean {
    const { changes } = this
      .sql(
        `UPDATE messages SET state = @state, last_stage = @stage, last_reply = @reply, last_error = @error, not_before = @notBefore,
           waiting_for_network = @waiting, sent_at = CASE WHEN @state = 'sent' THEN @now ELSE sent_at END,
           lease_owner = NULL, lease_until = NULL, updated_at = @now
         WHERE id = @id AND lease_owner = @owner AND state = 'sending'`,
      )
      .run({ id: row.id, owner: row.lease_owner, state: outcome.state, stage: outcome.stage, reply: outcome.reply, error: outcome.error,
        notBefore: outcome.notBefore ?? row.not_before, waiting: outcome.waitingForNetwork ? 1 : 0, now });
    if (changes === 0) return false;
    this
      .sql('INSERT INTO attempts (message_id, started_at, finished_at, stage, outcome, reply, error, transcript) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(row.id, startedAt, now, outcome.stage, outcome.state, outcome.reply, outcome.error, outcome.transcript);
    const setRecipient = this.sql(
      `UPDATE recipients SET state = ?, reply = ? WHERE message_id = ? AND address = ? AND state IN ('pending', 'deferred')`,
    );
    for (const r of outcome.recipients) setRecipient.run(r.state, r.reply, row.id, r.address);
    return true;
  }

  /** The outcomes among `attempts` that were recorded, announced; the lost ones changed nothing. */
  private announceRecorded(attempts: readonly FinishedAttempt[], lost: readonly FinishedAttempt[]): void {
    for (const attempt of attempts) if (!lost.includes(attempt)) this.changed(attempt.row.id, attempt.outcome.state);
  }

  /**
   * After a crash (or another process dying), a message left in `sending` past its lease is judged by
   * the stage recorded: without the body mark, which is durable before any end of data, it cannot have
   * been delivered and goes back to the queue; with it, it may have been, so it becomes `uncertain`
   * and waits for the user.
   */
  recoverExpiredLeases(now = this.clock.now(), isDeadOwner: (owner: string) => boolean = () => false): number {
    const dead = (this.sql(`SELECT DISTINCT lease_owner AS owner FROM messages WHERE state = 'sending'`).all() as { owner: string }[])
      .map((r) => r.owner)
      .filter(isDeadOwner);
    const rows = this
      .sql(
        `UPDATE messages SET
           state = CASE WHEN last_stage IN ('body', 'final') THEN 'uncertain' ELSE 'queued' END,
           last_error = CASE WHEN last_stage IN ('body', 'final')
             THEN 'Outbound stopped while the server was receiving this message: it may have been delivered. Check with a recipient, then send it again or mark it as sent.'
             ELSE last_error END,
           lease_owner = NULL, lease_until = NULL, updated_at = @now
         WHERE state = 'sending' AND (lease_until < @now OR lease_owner IN (SELECT value FROM json_each(@dead)))
         RETURNING id, state`,
      )
      .all({ now, dead: JSON.stringify(dead) }) as { id: number; state: MessageState }[];
    for (const r of rows) this.changed(r.id, r.state);
    return rows.length;
  }

  /** The network is back: whatever waited for it is due now. */
  networkBack(now = this.clock.now()): void {
    const rows = this
      .sql(`UPDATE messages SET not_before = @now, waiting_for_network = 0 WHERE state = 'queued' AND waiting_for_network = 1 AND not_before > @now RETURNING id`)
      .all({ now }) as { id: number }[];
    for (const r of rows) this.changed(r.id, 'queued');
  }

  /** The accounts of messages waiting for the network: what a reachability probe should try. */
  accountsWaitingForNetwork(): number[] {
    return (this
      .sql(`SELECT DISTINCT account_id AS id FROM messages WHERE state = 'queued' AND waiting_for_network = 1 AND account_id IS NOT NULL`)
      .all() as { id: number }[]).map((r) => r.id);
  }

  /** When the next queued message falls due, for the sender's timer. */
  nextDue(): number | undefined {
    const row = this
      .sql(`SELECT min(m.not_before) AS due FROM messages m JOIN accounts a ON a.id = m.account_id WHERE m.state = 'queued' AND a.paused_reason IS NULL`)
      .get() as { due: number | null };
    return row.due ?? undefined;
  }

  /**
   * The unsent mail of an account that is being removed, inside the caller's transaction (the
   * account's deletion): cancelled (`to` null; it stays visible as cancelled), or handed to `to`,
   * which sends the same frozen bytes from its own envelope sender. Returns the changes, for
   * `announce` once that transaction has committed.
   */
  leaveAccount(accountId: number, to: { id: number; name: string; email: string } | null, now = this.clock.now()): OutboxChange[] {
    const changed = to
      ? this.sql(`UPDATE messages SET account_id = ?, account_name = ?, envelope_from = ?, updated_at = ? WHERE account_id = ? AND ${UNSENT} RETURNING id, state`)
        .all(to.id, to.name, to.email, now, accountId)
      : this.sql(`UPDATE messages SET state = 'cancelled', hold = NULL, updated_at = ? WHERE account_id = ? AND ${UNSENT} RETURNING id, state`)
        .all(now, accountId);
    return changed as OutboxChange[];
  }

  /** Tell the listeners of changes made by `leaveAccount`, once the caller's transaction has committed. */
  announce(changes: readonly OutboxChange[]): void {
    for (const { id, state } of changes) this.changed(id, state);
  }

  cancel(id: number, now = this.clock.now()): MessageView {
    this.transition(id, ['queued', 'failed', 'uncertain'], 'cancelled', now, 'it is being sent right now or has already been sent');
    return this.view(id);
  }

  /** Queue a queued or failed message for an attempt right away. */
  retry(id: number, now = this.clock.now()): MessageView {
    this.transition(id, ['queued', 'failed'], 'queued', now, 'only queued or failed messages can be retried');
    return this.view(id);
  }

  /** The user judged an uncertain message lost: the same bytes, the same Message-ID, once more. */
  resend(id: number, now = this.clock.now()): MessageView {
    this.transition(id, ['uncertain'], 'queued', now, 'only a message whose delivery is uncertain can be sent again this way');
    return this.view(id);
  }

  /** The user judged an uncertain message delivered. */
  markSent(id: number, now = this.clock.now()): MessageView {
    this.db.transaction(() => {
      this.transition(id, ['uncertain'], 'sent', now, 'only a message whose delivery is uncertain can be marked as sent');
      this.sql('UPDATE messages SET sent_at = ? WHERE id = ?').run(now, id);
      this
        .sql(`UPDATE recipients SET state = 'accepted', reply = 'Marked as sent by you' WHERE message_id = ? AND state IN ('pending', 'deferred')`)
        .run(id);
    })();
    return this.view(id);
  }

  /**
   * Undo send, or edit from the outbox: the message leaves the outbox (row and file) and its draft
   * goes back to the composer. Refused once an attempt has started or the message was sent.
   */
  async takeBack(id: number): Promise<DraftView> {
    const taken = this.takeBackTransaction(id);
    if (!taken) {
      const { state } = this.row(id);
      throw new AppError('conflict', `Message ${id} is ${state}: ${state === 'sending' ? 'it is being sent right now' : 'it can no longer be taken back'}.`);
    }
    this.changed(id, 'cancelled');
    await rm(this.fileOf(taken), { force: true });
    return toDraftView(JSON.parse(taken.draft ?? 'null') as DraftView);
  }

  private readonly takeBackTransaction: Transaction<typeof this.takeBackRow>;

  private takeBackRow(id: number): { raw_file: string; draft: string | undefined } | undefined {
    // Read before the delete, which cascades to it.
    const draft = this.sql('SELECT content FROM message_drafts WHERE message_id = ?').get(id) as { content: string } | undefined;
    const row = this.sql(`DELETE FROM messages WHERE id = ? AND state IN ('queued', 'failed') RETURNING raw_file`).get(id) as Pick<MessageRow, 'raw_file'> | undefined;
    return row && { raw_file: row.raw_file, draft: draft?.content };
  }

  /**
   * Delete frozen files that no row points at: a crash between writing the file and committing its
   * row. Only old ones — another process on this directory may be between those two steps right now.
   * Their age is the file system's, so by the real clock.
   */
  async removeOrphanFiles(olderThanMs = ORPHAN_AGE_MS, now = Date.now()): Promise<void> {
    const known = new Set((this.sql('SELECT raw_file FROM messages').all() as { raw_file: string }[]).map((r) => r.raw_file));
    const entries = await readdir(this.dir);
    await Promise.all(
      entries
        // `.partial`: the temporary files earlier versions renamed into place.
        .filter((name) => (name.endsWith('.eml') || name.endsWith('.partial')) && !known.has(name))
        .map(async (name) => {
          const file = join(this.dir, name);
          const { mtimeMs } = await stat(file).catch(() => ({ mtimeMs: now }));
          if (now - mtimeMs > olderThanMs) await rm(file, { force: true });
        }),
    );
  }

  private transition(id: number, from: MessageState[], to: MessageState, now: number, why: string): void {
    const { changes } = this
      .sql(`UPDATE messages SET state = ?, not_before = min(not_before, ?), hold = NULL, updated_at = ? WHERE id = ? AND state IN (${from.map(() => '?').join(',')})`)
      .run(to, now, now, id, ...from);
    if (changes === 0) {
      const row = this.row(id);
      throw new AppError('conflict', `Message ${id} is ${row.state}: ${why}.`);
    }
    this.changed(id, to);
  }

  private views(sql: string, params: unknown[]): MessageView[] {
    const rows = this.sql(sql).all(...params) as MessageRow[];
    if (rows.length === 0) return [];
    const recipients = this
      .sql(`SELECT * FROM recipients WHERE message_id IN (${rows.map(() => '?').join(',')}) ORDER BY message_id, position`)
      .all(...rows.map((r) => r.id)) as RecipientRow[];
    const byMessage = Map.groupBy(recipients, (r) => r.message_id);
    return rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      accountName: row.account_name,
      messageId: row.message_id,
      from: row.from_header,
      subject: row.subject,
      state: row.state,
      hold: row.state === 'queued' && row.not_before > this.clock.now() ? row.hold : null,
      recipients: (byMessage.get(row.id) ?? []).map((r) => ({ address: r.address, kind: r.kind, state: r.state, reply: r.reply })),
      createdAt: iso(row.created_at)!,
      notBefore: row.state === 'queued' ? iso(row.not_before) : null,
      sentAt: iso(row.sent_at),
      attempts: row.attempts,
      lastReply: row.last_reply,
      lastStage: row.last_stage,
      lastError: row.last_error,
      size: row.size,
    }));
  }
}

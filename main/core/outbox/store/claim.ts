/**
 * Claiming: the next due messages, under a lease, within their account's limits. Atomic across
 * processes, so the app and the CLI on the same data directory never submit the same message at once.
 */
import { SENDING_PAUSED_KEY } from '../../settings.ts';
import type { OutboxDb } from './handle.ts';
import { announceRecorded, applyFinish } from './outcome.ts';
import type { Claimed, FinishedAttempt, MessageRow } from './rows.ts';
import { changeState } from './states.ts';

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

/** The user's pause of all sending (settings.ts), shared by every sender on the data directory. */
const NOT_PAUSED_BY_USER = `NOT EXISTS (SELECT 1 FROM settings WHERE key = '${SENDING_PAUSED_KEY}' AND value = 'true')`;

/**
 * Accounts under every limit they have (small tables and indexed counts): not paused, fewer
 * connections in use (distinct lease owners: each sender connection is one) than max_connections,
 * and how many more messages the current one-minute window of max_per_minute allows.
 */
const ELIGIBLE_ACCOUNTS = `
  SELECT a.id, CASE WHEN a.rate_window_start <= @now - 60000 THEN a.max_per_minute ELSE a.max_per_minute - a.rate_window_count END AS quota
  FROM accounts a
  WHERE a.paused_reason IS NULL AND ${NOT_PAUSED_BY_USER}
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
/** The chosen messages, under the caller's lease. */
const TAKE = changeState({
  to: 'sending',
  set: `lease_owner = @owner, lease_until = @leaseUntil, attempts = attempts + 1, last_stage = 'connect', hold = NULL, waiting_for_network = 0,
    updated_at = @now`,
  where: 'id IN (SELECT value FROM json_each(@ids))',
  returning: '*',
});

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

/**
 * Take the next messages that are due (or, with `id`, that one) for `owner` until `leaseUntil`: up
 * to `limit` of one account, within its limits — not paused, fewer than max_connections connections
 * sending, no more than max_per_minute claimed in the current one-minute window. One IMMEDIATE
 * transaction: every process on this data directory sees the same counts, and no two claim the same
 * message. `flush` also takes messages waiting out a backoff, never ones held by the undo window or
 * a schedule. `prefer`: an account to take first (the caller's connection to its server is open).
 */
export function claim(h: OutboxDb, owner: string, now: number, leaseUntil: number, by: ClaimBy = {}): Claimed[] {
  // A claim needs atomicity across processes, not an fsync of its own: lost in a power cut, the
  // messages are simply queued again. The body mark (markBodyStarted), whose WAL sync covers the
  // claim, is durable before any end of data that could deliver a message. The same holds for sent
  // outcomes riding along (`by.finishing`): nothing follows from them before that sync.
  let result: ClaimResult = { claimed: [], lost: [] };
  try {
    result = h.wal.unsynced(() => h.transaction(claimInTransaction).immediate(h, owner, now, leaseUntil, by));
  } catch (error) {
    if (error !== NOTHING_CLAIMED) throw error;
  }
  const { claimed, lost } = result;
  if (claimed.length) {
    announceRecorded(h, by.finishing ?? [], lost);
    if (lost.length) by.leaseLost?.(lost);
  }
  for (const { row } of claimed) h.changed(row.id, 'sending');
  return claimed;
}

function claimInTransaction(h: OutboxDb, owner: string, now: number, leaseUntil: number, by: ClaimBy): ClaimResult {
  // First, so that the finished messages no longer count as a connection in use.
  const lost = (by.finishing ?? []).filter((finished) => !applyFinish(h, finished, now));
  const quotas = new Map((h.sql(ELIGIBLE_ACCOUNTS).all({ now }) as { id: number; quota: number }[]).map((a) => [a.id, a.quota]));
  const next = (accounts: number[], limit: number) =>
    h.sql(by.flush ? NEXT_FOR_FLUSH : NEXT_DUE).all({ now, accounts: JSON.stringify(accounts), limit }) as { id: number; account_id: number }[];
  const within = (account: number) => Math.max(1, Math.min(by.limit ?? 1, quotas.get(account) ?? 0));
  let chosen: { id: number; account_id: number }[];
  if (by.id !== undefined) {
    chosen = h.sql(`SELECT id, account_id FROM messages WHERE id = ? AND state = 'queued'`).all(by.id) as typeof chosen;
  } else {
    chosen = by.prefer !== undefined && quotas.has(by.prefer) ? next([by.prefer], within(by.prefer)) : [];
    if (chosen.length === 0) {
      const [first] = next([...quotas.keys()], 1);
      chosen = first ? next([first.account_id], within(first.account_id)) : [];
    }
  }
  const account = chosen[0]?.account_id;
  if (account === undefined || !quotas.has(account)) return nothingClaimed(by);
  h.sql(COUNT_IN_RATE_WINDOW).run({ id: account, now, count: chosen.length });
  const ids = JSON.stringify(chosen.map((c) => c.id));
  const rows = new Map((h.sql(TAKE).all({ ids, owner, now, leaseUntil }) as MessageRow[]).map((row) => [row.id, row]));
  const recipients = Map.groupBy(
    h
      .sql(
        `SELECT message_id, address FROM recipients WHERE message_id IN (SELECT value FROM json_each(?)) AND state IN ('pending', 'deferred')
      ORDER BY message_id, position`,
      )
      .all(ids) as { message_id: number; address: string }[],
    (r) => r.message_id,
  );
  return { claimed: chosen.map(({ id }) => ({ row: rows.get(id)!, recipients: (recipients.get(id) ?? []).map((r) => r.address) })), lost };
}

/** When the next queued message falls due, for the sender's timer. */
export function nextDue(h: OutboxDb): number | undefined {
  const row = h
    .sql(
      `SELECT min(m.not_before) AS due FROM messages m JOIN accounts a ON a.id = m.account_id WHERE m.state = 'queued' AND a.paused_reason IS NULL AND ${NOT_PAUSED_BY_USER}`,
    )
    .get() as { due: number | null };
  return row.due ?? undefined;
}

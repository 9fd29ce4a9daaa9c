/**
 * How attempts ended: each recorded only under the lease it was claimed with. An attempt whose lease
 * has passed on (it expired, and the message was taken over) records nothing, not even its attempt
 * row, over whatever the new owner or the user made of the message.
 */
import type { OutboxDb } from './handle.ts';
import type { FinishedAttempt } from './rows.ts';
import { changeState } from './states.ts';

/** The message's new state as the attempt decided, under the lease it was claimed with. */
const RECORD = changeState({
  to: { sql: '@state' },
  set: `last_stage = @stage, last_reply = @reply, last_error = @error, not_before = @notBefore, waiting_for_network = @waiting,
    sent_at = CASE WHEN @state = 'sent' THEN @now ELSE sent_at END, lease_owner = NULL, lease_until = NULL, updated_at = @now`,
  where: `id = @id AND lease_owner = @owner AND state = 'sending'`,
});

/**
 * Close attempts durably: for each, the attempt row, the recipients and the message's new state, in
 * one transaction. Returns the attempts whose lease had passed on.
 */
export function finish(h: OutboxDb, attempts: readonly FinishedAttempt[], now = h.clock.now()): FinishedAttempt[] {
  const lost = h.transaction(recordAll)(h, attempts, now);
  announceRecorded(h, attempts, lost);
  return lost;
}

/**
 * Sent outcomes committed without an fsync of their own: durable with the next WAL sync (the
 * connection's next body mark), before which nothing follows from them. Returns those not
 * recorded, as `finish` does.
 */
export function recordSent(h: OutboxDb, attempts: readonly FinishedAttempt[], now = h.clock.now()): FinishedAttempt[] {
  const lost = h.wal.unsynced(() => h.transaction(recordAll)(h, attempts, now));
  announceRecorded(h, attempts, lost);
  return lost;
}

function recordAll(h: OutboxDb, attempts: readonly FinishedAttempt[], now: number): FinishedAttempt[] {
  return attempts.filter((attempt) => !applyFinish(h, attempt, now));
}

/** False, with nothing written, when the attempt's lease has passed on. Inside the caller's transaction. */
export function applyFinish(h: OutboxDb, { row, startedAt, outcome }: FinishedAttempt, now: number): boolean {
  const { changes } = h.sql(RECORD).run({
    id: row.id,
    owner: row.lease_owner,
    state: outcome.state,
    stage: outcome.stage,
    reply: outcome.reply,
    error: outcome.error,
    notBefore: outcome.notBefore ?? row.not_before,
    waiting: outcome.waitingForNetwork ? 1 : 0,
    now,
  });
  if (changes === 0) return false;
  h.sql('INSERT INTO attempts (message_id, started_at, finished_at, stage, outcome, reply, error, transcript) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
    row.id,
    startedAt,
    now,
    outcome.stage,
    outcome.state,
    outcome.reply,
    outcome.error,
    outcome.transcript,
  );
  const setRecipient = h.sql(`UPDATE recipients SET state = ?, reply = ? WHERE message_id = ? AND address = ? AND state IN ('pending', 'deferred')`);
  for (const r of outcome.recipients) setRecipient.run(r.state, r.reply, row.id, r.address);
  return true;
}

/** The outcomes among `attempts` that were recorded, announced; the lost ones changed nothing. */
export function announceRecorded(h: OutboxDb, attempts: readonly FinishedAttempt[], lost: readonly FinishedAttempt[]): void {
  for (const attempt of attempts) if (!lost.includes(attempt)) h.changed(attempt.row.id, attempt.outcome.state);
}

/** Recorded once, outside the attempt's own outcome: it is known only from the dialogue, and does not change the message's state. */
export function deliveryReportDropped(h: OutboxDb, id: number): void {
  h.sql('UPDATE messages SET delivery_report_dropped = 1 WHERE id = ? AND delivery_report_dropped = 0').run(id);
}

/** What a lease owner does with the messages it holds: keep them, give back the unstarted, mark the body. */
import type { OutboxDb } from './handle.ts';
import type { MessageRow } from './rows.ts';
import { changeState } from './states.ts';

/** Keep every message `owner` holds from expiring: they are being sent, or wait their turn on its connection. */
export function renewLeases(h: OutboxDb, owner: string, leaseUntil: number): void {
  h.sql(`UPDATE messages SET lease_until = ? WHERE lease_owner = ? AND state = 'sending'`).run(leaseUntil, owner);
}

const RELEASE = changeState({
  to: 'queued',
  set: 'lease_owner = NULL, lease_until = NULL, attempts = attempts - 1',
  where: `id IN (SELECT value FROM json_each(?)) AND lease_owner = ? AND state = 'sending' AND last_stage = 'connect'`,
  returning: 'id',
});

/** Claimed messages whose attempt never started (the sender is stopping) go back to the queue as they were. */
export function release(h: OutboxDb, owner: string, ids: number[]): void {
  const rows = h.sql(RELEASE).all(JSON.stringify(ids), owner) as { id: number }[];
  for (const r of rows) h.changed(r.id, 'queued');
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
export async function markBodyStarted(h: OutboxDb, row: Pick<MessageRow, 'id' | 'lease_owner'>): Promise<boolean> {
  const { changes } = h.wal.unsynced(() =>
    h.sql(`UPDATE messages SET last_stage = 'body' WHERE id = ? AND lease_owner = ? AND state = 'sending'`).run(row.id, row.lease_owner),
  );
  if (changes === 0) return false;
  await h.wal.sync();
  return true;
}

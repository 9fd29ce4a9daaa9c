/** Messages left behind: in `sending` by a process that died or stalled past its lease, or waiting for the network. */
import type { MessageState } from '../../../../preload/common/contract/index.ts';
import type { OutboxDb } from './handle.ts';
import { changeState } from './states.ts';

/** Past the body mark a message may have been delivered: only the user can tell. */
const MAY_HAVE_BEEN_DELIVERED = `last_stage IN ('body', 'final')`;
/** Messages in `sending` whose lease expired or whose owner died. */
const RECOVER = changeState({
  to: { sql: `CASE WHEN ${MAY_HAVE_BEEN_DELIVERED} THEN 'uncertain' ELSE 'queued' END` },
  set: `last_error = CASE WHEN ${MAY_HAVE_BEEN_DELIVERED}
      THEN 'Outbound stopped while the server was receiving this message: it may have been delivered. Check with a recipient, then send it again or mark it as sent.'
      ELSE last_error END,
    lease_owner = NULL, lease_until = NULL, updated_at = @now`,
  where: `state = 'sending' AND (lease_until < @now OR lease_owner IN (SELECT value FROM json_each(@dead)))`,
  returning: 'id, state',
});

/**
 * After a crash (or another process dying), a message left in `sending` past its lease is judged by
 * the stage recorded: without the body mark, which is durable before any end of data, it cannot have
 * been delivered and goes back to the queue; with it, it may have been, so it becomes `uncertain`
 * and waits for the user.
 */
export function recoverExpiredLeases(h: OutboxDb, now = h.clock.now(), isDeadOwner: (owner: string) => boolean = () => false): number {
  const dead = (h.sql(`SELECT DISTINCT lease_owner AS owner FROM messages WHERE state = 'sending'`).all() as { owner: string }[])
    .map((r) => r.owner)
    .filter(isDeadOwner);
  const rows = h.sql(RECOVER).all({ now, dead: JSON.stringify(dead) }) as { id: number; state: MessageState }[];
  for (const r of rows) h.changed(r.id, r.state);
  return rows.length;
}

/** The network is back: whatever waited for it is due now. */
export function networkBack(h: OutboxDb, now = h.clock.now()): void {
  const rows = h
    .sql(`UPDATE messages SET not_before = @now, waiting_for_network = 0 WHERE state = 'queued' AND waiting_for_network = 1 AND not_before > @now RETURNING id`)
    .all({ now }) as { id: number }[];
  for (const r of rows) h.changed(r.id, 'queued');
}

/** The accounts of messages waiting for the network: what a reachability probe should try. */
export function accountsWaitingForNetwork(h: OutboxDb): number[] {
  return (
    h.sql(`SELECT DISTINCT account_id AS id FROM messages WHERE state = 'queued' AND waiting_for_network = 1 AND account_id IS NOT NULL`).all() as {
      id: number;
    }[]
  ).map((r) => r.id);
}

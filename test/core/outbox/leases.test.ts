/**
 * Writes under a lease: a worker whose lease expired (its process stalled) and whose message was
 * taken over records nothing over the new owner's attempt — not its outcome, not its body mark, not
 * the sent outcomes it carries — and a sender that loses a lease mid-attempt sends no end of data.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import type { OutboxChange } from '../../../preload/common/contract/index.ts';
import type { AttemptOutcome, FinishedAttempt, MessageRow } from '../../../main/core/outbox/store/index.ts';
import { plainAccountFor, testCore, value, type TestCore } from '../../helpers/core.ts';
import { startSmtpServer } from '../../helpers/smtp.ts';

const LEASE = 60_000;
const A = 'host:1:a/1';
const B = 'elsewhere:2:b/1';

async function queue(t: TestCore, server: { host: string; port: number }, count: number) {
  const account = await value(t.api.accounts.save(plainAccountFor(server, { maxPerMinute: 1000 })));
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) {
    ids.push(
      (await value(t.api.outbox.send({ accountId: account.id, to: [`r${i}@example.org`], subject: `secret subject ${i}`, text: 't', delaySeconds: 0 }))).id,
    );
  }
  return ids;
}

function changes(t: TestCore): OutboxChange[] {
  const seen: OutboxChange[] = [];
  onTestFinished(t.core.events.on('outboxChanged', (change) => seen.push(change)));
  return seen;
}

const ended = (row: MessageRow, state: AttemptOutcome['state'], reply: string): FinishedAttempt => ({
  row,
  startedAt: row.updated_at,
  outcome: { state, stage: 'final', reply, error: null, transcript: '', recipients: [] },
});

/** A's lease runs out and another process's recovery takes the message back (queued, or uncertain past its body mark). */
const expireLeases = (t: TestCore, now: number) => t.core.outbox.recoverExpiredLeases(now + 2 * LEASE);

describe('an attempt whose lease was taken over', () => {
  it("records neither its body mark nor its outcome over the new owner's; the message ends as the new owner's attempt says", async () => {
    const t = testCore(undefined);
    const [id] = await queue(t, { host: '127.0.0.1', port: 2525 }, 1);
    const now = Date.now();
    const [mine] = t.core.outbox.claim(A, now, now + LEASE);
    expect(expireLeases(t, now)).toBe(1);
    const [theirs] = t.core.outbox.claim(B, now + 2 * LEASE, now + 3 * LEASE, { id });
    const seen = changes(t);

    expect(await t.core.outbox.markBodyStarted(mine!.row)).toBe(false);
    expect(t.core.outbox.row(id!)).toMatchObject({ state: 'sending', lease_owner: B, last_stage: 'connect' });
    const late = ended(mine!.row, 'sent', '250 A');
    expect(t.core.outbox.finish([late])).toEqual([late]);
    expect(t.core.outbox.row(id!)).toMatchObject({ state: 'sending', lease_owner: B, last_reply: null });
    expect(t.core.outbox.attempts(id!)).toEqual([]);
    expect(seen).toEqual([]);

    expect(await t.core.outbox.markBodyStarted(theirs!.row)).toBe(true);
    expect(t.core.outbox.finish([ended(theirs!.row, 'failed', '554 B')])).toEqual([]);
    expect(t.core.outbox.view(id!)).toMatchObject({ state: 'failed', lastReply: '554 B', lastStage: 'final' });
    expect(t.core.outbox.attempts(id!).map((a) => a.reply)).toEqual(['554 B']);
    expect(seen).toEqual([{ id, state: 'failed' }]);
  });

  it('cannot record the sent outcomes it carries: not on their own, not riding on its next claim', async () => {
    const t = testCore(undefined);
    const [first, second] = await queue(t, { host: '127.0.0.1', port: 2525 }, 2);
    const now = Date.now();
    const [mine] = t.core.outbox.claim(A, now, now + LEASE);
    expect(await t.core.outbox.markBodyStarted(mine!.row)).toBe(true);
    // Past its body mark the recovery calls it uncertain; the user sends it again; B takes it and fails it.
    expireLeases(t, now);
    expect(t.core.outbox.view(first!).state).toBe('uncertain');
    t.core.outbox.resend(first!, now + 2 * LEASE);
    const [theirs] = t.core.outbox.claim(B, now + 2 * LEASE, now + 3 * LEASE, { id: first! });
    t.core.outbox.finish([ended(theirs!.row, 'failed', '554 B')]);
    const seen = changes(t);

    const carried = ended(mine!.row, 'sent', '250 A');
    expect(t.core.outbox.recordSent([carried])).toEqual([carried]);
    const lost: FinishedAttempt[][] = [];
    const next = t.core.outbox.claim(A, now + 2 * LEASE, now + 3 * LEASE, { finishing: [carried], leaseLost: (l) => lost.push(l) });
    expect(next.map((c) => c.row.id)).toEqual([second]);
    expect(lost).toEqual([[carried]]);
    expect(t.core.outbox.view(first!)).toMatchObject({ state: 'failed', lastReply: '554 B' });
    expect(t.core.outbox.attempts(first!).map((a) => a.reply)).toEqual(['554 B']);
    expect(seen).toEqual([{ id: second, state: 'sending' }]);
  });
});

describe('a sender that loses a lease in the middle of an attempt', () => {
  it("sends no end of data, records nothing, says so without the message's content, and leaves the message to the new owner", async () => {
    let takeOver = (): void => undefined;
    const server = await startSmtpServer({
      rcpt: () => {
        takeOver();
        return undefined;
      },
    });
    onTestFinished(() => server.close());
    const logged: string[] = [];
    const t = testCore(server, { sender: { leaseMs: LEASE, log: (line) => logged.push(line) } });
    const [id] = (await queue(t, server, 1)) as [number];
    let theirs: MessageRow | undefined;
    // While the sender waits for RCPT's reply, its lease expires and another process takes the message.
    takeOver = () => {
      t.core.outbox.recoverExpiredLeases(Date.now() + 2 * LEASE);
      theirs = t.core.outbox.claim(B, Date.now(), Date.now() + 3 * LEASE, { id })[0]?.row;
    };
    const seen = changes(t);

    const view = await t.core.sender.sendNow(id);
    expect(view).toMatchObject({ state: 'sending', lastStage: 'connect', attempts: 2 });
    expect(theirs).toMatchObject({ id, lease_owner: B });
    expect(server.messages).toEqual([]);
    expect(t.core.outbox.attempts(id)).toEqual([]);
    expect(seen.map((c) => c.state)).toEqual(['sending', 'queued', 'sending']);
    expect(logged).toEqual([`outbound: message ${id}: this attempt's outcome (failed) was not recorded: its lease had expired and the message was taken over`]);

    t.core.outbox.finish([ended(theirs!, 'sent', '250 B')]);
    expect(t.core.outbox.view(id)).toMatchObject({ state: 'sent', lastReply: '250 B' });
  });
});

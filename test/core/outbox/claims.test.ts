/**
 * Claiming: a connection takes several due messages of one account at once (claim-ahead), within
 * the account's limits — messages per minute, connections (distinct lease owners) — and what it
 * cannot send goes back to the queue exactly as it was.
 */
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { AccountInput } from '../../../preload/common/contract/index.ts';
import { plainAccountFor, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer } from '../../helpers/smtp.ts';

const SERVER = { host: '127.0.0.1', port: 2525 }; // never contacted: these tests claim, they do not send

async function queue(limits: Partial<AccountInput>, count: number, name = 'Work') {
  const t = testCore(undefined);
  const account = await value(t.api.accounts.save(plainAccountFor(SERVER, { name, ...limits })));
  const ids: number[] = [];
  for (let i = 0; i < count; i += 1) {
    ids.push((await value(t.api.outbox.send({ accountId: account.id, to: [`r${i}@example.org`], subject: `m${i}`, text: 't', delaySeconds: 0 }))).id);
  }
  return { ...t, account, ids };
}

const LEASE = 60_000;

describe('claiming', () => {
  it('takes up to `limit` due messages of one account, oldest first, each with its recipients', async () => {
    const { core, ids } = await queue({ maxPerMinute: 1000 }, 5);
    const now = Date.now();
    const claimed = core.outbox.claim('host:1:a/0', now, now + LEASE, { limit: 3 });
    expect(claimed.map((c) => c.row.id)).toEqual(ids.slice(0, 3));
    expect(claimed.map((c) => c.recipients)).toEqual([['r0@example.org'], ['r1@example.org'], ['r2@example.org']]);
    expect(claimed.every((c) => c.row.state === 'sending' && c.row.lease_owner === 'host:1:a/0' && c.row.attempts === 1)).toBe(true);
    expect(core.outbox.claim('host:1:a/1', now, now + LEASE, { limit: 3 }).map((c) => c.row.id)).toEqual(ids.slice(3));
  });

  it("claims no more than the minute's quota, and the next minute opens a new window", async () => {
    const { core, ids } = await queue({ maxPerMinute: 3 }, 5);
    const now = Date.now();
    expect(core.outbox.claim('host:1:a/0', now, now + LEASE, { limit: 16 })).toHaveLength(3);
    expect(core.outbox.claim('host:1:a/1', now + 1000, now + LEASE, { limit: 16 })).toEqual([]);
    expect(core.outbox.claim('host:1:a/1', now + 60_001, now + LEASE, { limit: 16 }).map((c) => c.row.id)).toEqual(ids.slice(3));
  });

  it('counts connections, not messages: a second owner waits while max_connections owners hold messages', async () => {
    const { core } = await queue({ maxConnections: 1, maxPerMinute: 1000 }, 4);
    const now = Date.now();
    const first = core.outbox.claim('host:1:a/0', now, now + LEASE, { limit: 2 });
    expect(first).toHaveLength(2);
    expect(core.outbox.claim('host:1:a/1', now, now + LEASE, { limit: 2 })).toEqual([]);
    // The same connection finishing its messages frees the account for the next claim.
    const sent = first.map(({ row }) => ({
      row,
      startedAt: now,
      outcome: { state: 'sent' as const, stage: 'final' as const, reply: '250 ok', error: null, transcript: '', recipients: [] },
    }));
    expect(core.outbox.claim('host:1:a/1', now, now + LEASE, { limit: 2, finishing: sent })).toHaveLength(2);
    expect(
      core.outbox
        .list('sent')
        .map((m) => m.id)
        .sort(),
    ).toEqual(first.map((c) => c.row.id).sort());
  });

  it('a message waiting its turn keeps its lease, and goes back to the queue as it was when released', async () => {
    const { core, ids } = await queue({ maxPerMinute: 1000 }, 3);
    const now = Date.now();
    const [first] = core.outbox.claim('host:1:a/0', now, now + LEASE, { limit: 3 });
    core.outbox.renewLeases('host:1:a/0', now + 10 * LEASE);
    expect(ids.map((id) => core.outbox.row(id).lease_until)).toEqual(ids.map(() => now + 10 * LEASE));
    // Another owner cannot release what it does not hold; a started attempt (past 'connect') is never released.
    core.outbox.release('host:1:a/1', ids);
    await core.outbox.markBodyStarted(first!.row);
    core.outbox.release('host:1:a/0', ids);
    expect(ids.map((id) => core.outbox.row(id)).map((r) => [r.state, r.attempts, r.lease_owner])).toEqual([
      ['sending', 1, 'host:1:a/0'],
      ['queued', 0, null],
      ['queued', 0, null],
    ]);
  });

  it('a stopping sender gives back what it claimed ahead: nothing is left sending, nothing is sent twice', async () => {
    const server = await startSmtpServer();
    onTestFinished(() => server.close());
    const t = testCore(server);
    const account = await value(t.api.accounts.save(plainAccountFor(server, { maxPerMinute: 100_000 })));
    for (let i = 0; i < 150; i += 1)
      await value(t.api.outbox.send({ accountId: account.id, to: ['r@example.org'], subject: `m${i}`, text: 't', delaySeconds: 0 }));
    t.core.sender.start();
    await vi.waitFor(() => expect(server.messages.length).toBeGreaterThanOrEqual(40), { timeout: 10_000, interval: 5 });
    await t.core.sender.stop();
    const messages = [...t.core.outbox.list('outbox'), ...t.core.outbox.list('sent')];
    expect(messages.filter((m) => m.state === 'sending')).toEqual([]);
    const queued = messages.filter((m) => m.state === 'queued');
    // It stopped with mail still to send: that mail went back untried.
    expect(queued.length).toBeGreaterThan(0);
    expect(queued.filter((m) => m.attempts !== 0)).toEqual([]);
    const received = server.messages.map((m) => m.parsed.messageId);
    expect(new Set(received).size).toBe(received.length);
    expect(
      messages
        .filter((m) => m.state === 'sent')
        .map((m) => m.messageId)
        .sort(),
    ).toEqual([...received].sort());
  });
});

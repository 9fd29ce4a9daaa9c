/**
 * The copy in Sent as a job of its own, on the test's clock: how long a copy waits when IMAP is away
 * (growing, then repeating its longest wait), the background copier trying it when it falls due, a
 * lease another process holds, an account that no longer has IMAP, and what "try again" refuses.
 * IMAP away is a closed loopback port, so these need no IMAP server.
 */
import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccountInput, MessageView } from '../../../preload/common/contract/index.ts';
import { TestClock } from '../../helpers/clock.ts';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import { closedPort, until } from '../../helpers/net.ts';
import { startSmtpServer, type TestSmtpServer } from '../../helpers/smtp.ts';

const MINUTE = 60_000;
let smtp: TestSmtpServer;
let away: number;
beforeAll(async () => {
  smtp = await startSmtpServer({ auth: { user: 'me', pass: 's3cret pass' } });
  away = await closedPort();
});
afterAll(() => smtp.close());

async function setUp(options: { backoffMs?: number[]; autoSend?: boolean; account?: Partial<AccountInput> } = {}) {
  const clock = new TestClock();
  const t = testCore(smtp, {
    clock,
    autoSend: options.autoSend ?? false,
    sentCopy: { timeoutMs: 2_000, ...(options.backoffMs && { backoffMs: options.backoffMs }) },
  });
  await value(t.api.settings.save({ undoSeconds: 0 }));
  const account = await value(
    t.api.accounts.save(accountFor(smtp, { imap: { host: '127.0.0.1', port: away, security: 'starttls' }, sentCopy: 'always', ...options.account })),
  );
  const queue = (subject: string) => value(t.api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject, text: 'Hello' }));
  const copyOf = async (id: number) => (await value(t.api.outbox.get(id))).sentCopy;
  /** The copy's tries so far (none while the message is not sent). */
  const attemptsOf = (id: number) => (t.core.db.prepare('SELECT attempts FROM sent_copies WHERE message_id = ?').pluck().get(id) as number | undefined) ?? 0;
  return { ...t, clock, account, queue, copyOf, attemptsOf };
}

const inMinutes = (clock: TestClock, minutes: number) => new Date(clock.now() + minutes * MINUTE).toISOString();

describe('a copy in Sent while IMAP is away', () => {
  it('waits 1, 5, 15, 30, 60, 120, 240 minutes after each try, then 240 again; the message stays sent', async () => {
    const t = await setUp();
    const queued = await t.queue('Away for a long time');
    await value(t.api.outbox.flush());
    expect((await value(t.api.outbox.get(queued.id))).state).toBe('sent');
    const waits: string[] = [];
    const expected: string[] = [];
    for (const minutes of [1, 5, 15, 30, 60, 120, 240, 240]) {
      const copy = await t.copyOf(queued.id);
      expect(copy).toMatchObject({ state: 'pending', reason: expect.stringContaining(`The IMAP server 127.0.0.1:${away} could not be reached`) });
      waits.push(copy!.nextTry!);
      expected.push(inMinutes(t.clock, minutes));
      t.clock.advance(minutes * MINUTE);
      await value(t.api.outbox.flush());
    }
    expect(waits).toEqual(expected);
    expect(t.attemptsOf(queued.id)).toBe(9);
  });

  it('the backoff the copier is given: the last wait repeats', async () => {
    const t = await setUp({ backoffMs: [2 * MINUTE, 7 * MINUTE] });
    const queued = await t.queue('Given backoff');
    const nextTries: string[] = [];
    const expected: string[] = [];
    for (const minutes of [2, 7, 7]) {
      await value(t.api.outbox.flush());
      nextTries.push((await t.copyOf(queued.id))!.nextTry!);
      expected.push(inMinutes(t.clock, minutes));
    }
    expect(nextTries).toEqual(expected);
  });

  // The copier sleeps until the next copy falls due, a minute at most. Moving the clock on a step at a
  // time, the copy must not be tried before it is due, and must be tried within a few steps after.
  for (const { backoffSeconds, stepSeconds } of [
    { backoffSeconds: 600, stepSeconds: 30 },
    { backoffSeconds: 20, stepSeconds: 2 },
  ])
    it(`in the background, a copy waiting ${backoffSeconds} s is tried again when it falls due, with no flush`, async () => {
      const t = await setUp({ autoSend: true, backoffMs: [backoffSeconds * 1000] });
      const queued = await t.queue('Tried in the background');
      // The sender sends it, and the copier, kicked by the record, finds IMAP away.
      await until(async () => ((await t.copyOf(queued.id))?.reason ?? null) !== null, 10_000, 'the first try of the copy');
      const due = t.clock.now() + backoffSeconds * 1000;
      expect((await t.copyOf(queued.id))?.nextTry).toBe(new Date(due).toISOString());
      const seen: { at: number; tries: number }[] = [];
      await until(
        () => {
          t.clock.advance(stepSeconds * 1000);
          seen.push({ at: t.clock.now(), tries: t.attemptsOf(queued.id) });
          return t.attemptsOf(queued.id) === 2;
        },
        10_000,
        'the second try, in the background',
      );
      expect(seen.filter(({ at, tries }) => at < due && tries > 1)).toEqual([]);
      expect(seen.at(-1)!.at).toBeLessThanOrEqual(due + 3 * stepSeconds * 1000);
    });

  it('says when a copy was tried: the views hear of the message again', async () => {
    const t = await setUp();
    const queued = await t.queue('Heard of');
    await value(t.api.outbox.flush());
    const heard: number[] = [];
    t.core.events.on('outboxChanged', ({ id }) => void heard.push(id));
    t.clock.advance(MINUTE);
    await value(t.api.outbox.flush()); // the message itself does not change: only its copy
    expect(heard).toEqual([queued.id]);
    await value(t.api.sent.retryCopy(queued.id));
    expect(heard).toEqual([queued.id, queued.id]);
  });
});

describe('a copy another process holds', () => {
  it('is left alone while its lease runs, and taken over once it has expired', async () => {
    const t = await setUp();
    // Leases name their owner's machine and process (a dead process's leases are taken over at once).
    expect(t.core.copier.owner).toMatch(new RegExp(`^${hostname()}:${process.pid}:copies-[0-9a-f]{8}$`));
    const queued = await t.queue('Leased elsewhere');
    await value(t.api.outbox.flush());
    const lease = t.core.db.prepare('UPDATE sent_copies SET lease_owner = ?, lease_until = ? WHERE message_id = ?');
    lease.run('another-machine:4242:copies-1', t.clock.now() + 5 * MINUTE, queued.id);
    await value(t.api.outbox.flush());
    expect(t.attemptsOf(queued.id)).toBe(1);
    t.clock.advance(5 * MINUTE); // the lease's last moment
    await value(t.api.outbox.flush());
    expect(t.attemptsOf(queued.id)).toBe(1);
    t.clock.advance(1);
    await value(t.api.outbox.flush());
    expect(t.attemptsOf(queued.id)).toBe(2);
    expect(t.core.db.prepare('SELECT lease_owner FROM sent_copies WHERE message_id = ?').get(queued.id)).toEqual({ lease_owner: null });
  });
});

describe('a copy whose account changed', () => {
  it('IMAP taken off the account: the waiting copy is skipped, saying so', async () => {
    const t = await setUp();
    const queued = await t.queue('IMAP taken off');
    await value(t.api.outbox.flush());
    await value(t.api.accounts.save({ ...accountFor(smtp, { sentCopy: 'always', imap: null }), id: t.account.id }));
    await value(t.api.outbox.flush());
    expect(await t.copyOf(queued.id)).toEqual({ state: 'skipped', folder: null, reason: 'The account no longer has an IMAP server.', nextTry: null });
  });

  it('the account removed: its sent mail stays, the waiting copy is skipped', async () => {
    const t = await setUp();
    const queued = await t.queue('Account removed');
    await value(t.api.outbox.flush());
    await value(t.api.accounts.remove(t.account.id));
    await value(t.api.outbox.flush());
    expect(await value(t.api.outbox.get(queued.id))).toMatchObject({
      state: 'sent',
      sentCopy: { state: 'skipped', reason: 'The account no longer has an IMAP server.' },
    });
  });

  it('set to keep no copy: the waiting copy is skipped, and trying it again is refused', async () => {
    const t = await setUp();
    const queued = await t.queue('No copy after all');
    await value(t.api.outbox.flush());
    await value(
      t.api.accounts.save({ ...accountFor(smtp, { imap: { host: '127.0.0.1', port: away, security: 'starttls' }, sentCopy: 'never' }), id: t.account.id }),
    );
    await value(t.api.outbox.flush());
    expect(await t.copyOf(queued.id)).toMatchObject({ state: 'skipped', reason: 'The account is set to keep no copy in Sent.' });
    expect(await t.api.sent.retryCopy(queued.id)).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: `The copy of message ${queued.id} is skipped: there is nothing to try again.` },
    });
  });
});

describe('trying a copy again', () => {
  it('a waiting copy: due now, and tried at once in the background', async () => {
    const t = await setUp({ autoSend: true });
    const queued = await t.queue('Try again now');
    await until(() => t.attemptsOf(queued.id) === 1, 10_000, 'the first try of the copy');
    const retried = await value(t.api.sent.retryCopy(queued.id));
    expect(retried.sentCopy?.state).toBe('pending');
    await until(() => t.attemptsOf(queued.id) === 2, 10_000, 'the try asked for');
  });

  it('a message with no copy (its account has no IMAP) is refused, and so is one not sent yet', async () => {
    const t = await setUp({ account: { imap: undefined } });
    const queued = await t.queue('No IMAP');
    expect(await t.api.sent.retryCopy(queued.id)).toMatchObject({
      ok: false,
      error: { code: 'conflict', message: `Message ${queued.id} has no copy in Sent to try: its account has no IMAP server, or it is not sent yet.` },
    });
    await value(t.api.outbox.flush());
    expect((await value(t.api.outbox.get(queued.id))) satisfies MessageView).toMatchObject({ state: 'sent', sentCopy: null });
  });
});

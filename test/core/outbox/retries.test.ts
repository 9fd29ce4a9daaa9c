/**
 * A temporary failure (4xx) is retried on a growing backoff — 1, 5, 15, 30 min, 1, 2, 4 h, then every
 * 4 h — until the account's retryDays have passed since the message was queued; then it fails. The
 * background sender runs on a clock the test moves, so a day of retries takes no time.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { TestClock } from '../../helpers/clock.ts';
import { accountFor, testCore, value } from '../../helpers/core.ts';
import { startSmtpServer, type SmtpServerOptions, type TestSmtpServer } from '../../helpers/smtp.ts';

const MINUTE = 60_000;
/** ARCHITECTURE.md, "Verdicts": the delay after the 1st, 2nd, … temporary failure; the last one repeats. */
const BACKOFF_MINUTES = [1, 5, 15, 30, 60, 120, 240];
const delayAfter = (attempt: number) => BACKOFF_MINUTES[Math.min(attempt, BACKOFF_MINUTES.length) - 1]! * MINUTE;
const iso = (ms: number) => new Date(ms).toISOString();

let server: TestSmtpServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function setUp(serverOptions: SmtpServerOptions, retryDays?: number) {
  server = await startSmtpServer(serverOptions);
  const clock = new TestClock();
  const t = testCore(server, { autoSend: true, clock });
  const account = await value(
    t.api.accounts.save(
      accountFor(server, {
        security: 'none',
        username: '',
        passwordCommand: '',
        ...(retryDays === undefined ? {} : { retryDays }),
      }),
    ),
  );
  return { ...t, account, clock };
}

describe('retrying a temporary failure', () => {
  it('waits 1, 5, 15, 30 min, 1, 2, 4 h, then 4 h again between attempts, and not a millisecond less', async () => {
    let deferring = true;
    const { core, api, account, clock } = await setUp({ mail: () => (deferring ? { code: 451, message: '4.3.0 Try again later' } : undefined) });
    const queuedAt = clock.now();
    const message = await value(api.outbox.send({ accountId: account.id, to: ['ann@example.org'], subject: 'later', text: 't', delaySeconds: 0 }));
    await core.sender.settled();
    const startedAt = [queuedAt];
    for (let attempt = 1; attempt <= 9; attempt += 1) {
      const due = clock.now() + delayAfter(attempt);
      expect(core.outbox.view(message.id), `after attempt ${attempt}`).toMatchObject({
        state: 'queued',
        attempts: attempt,
        hold: null,
        notBefore: iso(due),
        lastError: expect.stringMatching(/451 4\.3\.0 Try again later\. Will retry\.$/),
      });
      clock.advance(due - clock.now() - 1);
      core.sender.kick();
      await core.sender.settled();
      expect(core.outbox.view(message.id).attempts, `a millisecond before attempt ${attempt + 1} is due`).toBe(attempt);
      if (attempt === 9) deferring = false;
      clock.advance(1); // due: the sender wakes by itself
      await core.sender.settled();
      startedAt.push(due);
    }
    expect(core.outbox.view(message.id)).toMatchObject({ state: 'sent', attempts: 10, sentAt: iso(startedAt.at(-1)!) });
    expect((await value(api.outbox.attempts(message.id))).map((a) => a.startedAt).reverse()).toEqual(startedAt.map(iso));
    expect(startedAt.map((at) => (at - queuedAt) / MINUTE)).toEqual([0, 1, 6, 21, 51, 111, 231, 471, 711, 951]);
    expect(server!.messages).toHaveLength(1);
  });

  it.each([
    { retryDays: 1, said: '1 day', lastAttempt: 13, atMinutes: 27 * 60 + 51 },
    { retryDays: 0.25, said: '6 hours', lastAttempt: 8, atMinutes: 7 * 60 + 51 },
  ])(
    "gives up after the account's retryDays ($retryDays): attempt $lastAttempt, the first past them, fails the deferred recipient",
    async ({ retryDays, said, lastAttempt, atMinutes }) => {
      const { core, api, account, clock } = await setUp(
        { rcpt: (to) => (to === 'bob@example.org' ? { code: 450, message: '4.2.1 Mailbox busy' } : undefined) },
        retryDays,
      );
      expect(account.retryDays).toBe(retryDays);
      const queuedAt = clock.now();
      const message = await value(
        api.outbox.send({ accountId: account.id, to: ['ann@example.org', 'bob@example.org'], subject: 's', text: 't', delaySeconds: 0 }),
      );
      await core.sender.settled();
      let attempts = 1;
      while (clock.now() - queuedAt < retryDays * 24 * 60 * MINUTE) {
        expect(core.outbox.view(message.id), `after ${(clock.now() - queuedAt) / MINUTE} min`).toMatchObject({
          state: 'queued',
          attempts,
          recipients: [
            { address: 'ann@example.org', state: 'accepted' },
            { address: 'bob@example.org', state: 'deferred' },
          ],
        });
        clock.advance(delayAfter(attempts));
        core.sender.kick();
        await core.sender.settled();
        attempts += 1;
      }
      expect(core.outbox.view(message.id)).toMatchObject({
        state: 'failed',
        attempts: lastAttempt,
        lastError: `Gave up after ${said}: The server answered RCPT TO with: 450 4.2.1 Mailbox busy.`,
        recipients: [
          { address: 'ann@example.org', state: 'accepted' },
          { address: 'bob@example.org', state: 'rejected', reply: expect.stringMatching(/^450 /) },
        ],
      });
      expect((clock.now() - queuedAt) / MINUTE).toBe(atMinutes);
      // Ann got it once, from the first attempt; Bob never.
      expect(server!.messages.map((m) => m.envelope.to)).toEqual([['ann@example.org']]);
    },
  );
});

/**
 * What an attempt's result means, judged on its own (no server, no clock): each kind of failure,
 * each recipient's reply, the backoff step and the give-up after the queue lifetime, and the words
 * a person reads.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, judge, type RetryPolicy } from '../../../main/core/outbox/judge.ts';
import type { SubmitResult } from '../../../main/core/smtp/submit.ts';

const NOW = 1_000_000_000_000;
const MINUTE = 60_000;
const POLICY: RetryPolicy = { backoffMs: [1 * MINUTE, 5 * MINUTE, 15 * MINUTE], networkRetryMs: 30_000, maxQueueLifetimeMs: 2 * 86_400_000 };
const RECIPIENTS = ['ann@example.org', 'bob@example.org', 'carol@example.org'];

const result = (over: Partial<SubmitResult> = {}): SubmitResult => ({
  stage: 'final',
  transcript: 'C: QUIT',
  bodyWritten: true,
  accepted: RECIPIENTS,
  rejected: [],
  reply: '250 2.0.0 Ok: queued as T1',
  ...over,
});
/** The message's attempt `attempts`, queued `ageMs` before now. */
const attempted = (attempts = 1, ageMs = 0) => ({ attempts, createdAt: NOW - ageMs, recipients: RECIPIENTS });
const failure = (kind: NonNullable<SubmitResult['failure']>['kind'], message: string, code: number | null = null, reply?: string) =>
  result({ stage: 'rcpt', bodyWritten: false, accepted: [], reply: undefined, failure: { kind, message, code, ...(reply ? { reply } : {}) } });

describe('judging an attempt', () => {
  it('sends: every recipient accepted with the reply, stage and transcript kept, no error, no next attempt', () => {
    expect(judge(result(), attempted(), POLICY, NOW)).toEqual({
      stage: 'final',
      transcript: 'C: QUIT',
      state: 'sent',
      reply: '250 2.0.0 Ok: queued as T1',
      error: null,
      recipients: RECIPIENTS.map((address) => ({ address, state: 'accepted', reply: '250 2.0.0 Ok: queued as T1' })),
    });
    expect(judge(result({ reply: undefined }), attempted(), POLICY, NOW)).toMatchObject({
      reply: null,
      recipients: [{ reply: null }, { reply: null }, { reply: null }],
    });
  });

  it('records a 550 and a 450 on their recipients: the message waits for the deferred one only, with both named', () => {
    const rejected = [
      { address: 'bob@example.org', code: 550, reply: '550 5.1.1 No such user' },
      { address: 'carol@example.org', code: 450, reply: '450 4.2.1 Mailbox busy' },
    ];
    expect(judge(result({ rejected }), attempted(2), POLICY, NOW)).toEqual({
      stage: 'final',
      transcript: 'C: QUIT',
      state: 'queued',
      reply: '250 2.0.0 Ok: queued as T1',
      error: 'Not delivered to bob@example.org (550 5.1.1 No such user). Deferred for carol@example.org (450 4.2.1 Mailbox busy): will retry those only.',
      recipients: [
        { address: 'ann@example.org', state: 'accepted', reply: '250 2.0.0 Ok: queued as T1' },
        { address: 'bob@example.org', state: 'rejected', reply: '550 5.1.1 No such user' },
        { address: 'carol@example.org', state: 'deferred', reply: '450 4.2.1 Mailbox busy' },
      ],
      notBefore: NOW + 5 * MINUTE,
    });
    // Only refused: sent (to the others), with the refusal said; a refusal without a code is one too.
    const refused = judge(result({ rejected: [{ address: 'bob@example.org', code: null, reply: 'refused' }] }), attempted(), POLICY, NOW);
    expect(refused).toMatchObject({ state: 'sent', error: 'Not delivered to bob@example.org (refused).' });
    expect(refused.recipients[1]).toEqual({ address: 'bob@example.org', state: 'rejected', reply: 'refused' });
    expect(refused).not.toHaveProperty('notBefore');
  });

  it('names every refused and deferred recipient; a 500 on a recipient is final, a 499 deferred', () => {
    const rejected = [
      { address: 'ann@example.org', code: 500, reply: '500 no' },
      { address: 'bob@example.org', code: 550, reply: '550 no' },
      { address: 'carol@example.org', code: 499, reply: '499 later' },
    ];
    const outcome = judge(result({ rejected, accepted: [] }), attempted(), POLICY, NOW);
    expect(outcome.error).toBe(
      'Not delivered to ann@example.org (500 no), bob@example.org (550 no). Deferred for carol@example.org (499 later): will retry those only.',
    );
    expect(outcome.recipients.map((r) => r.state)).toEqual(['rejected', 'rejected', 'deferred']);
    const twoDeferred = judge(result({ rejected: rejected.map((r) => ({ ...r, code: 450 })) }), attempted(), POLICY, NOW);
    expect(twoDeferred.error).toBe('Deferred for ann@example.org (500 no), bob@example.org (550 no), carol@example.org (499 later): will retry those only.');
  });

  it('waits the backoff of its attempt, the last step repeating; a 4xx on a recipient past the lifetime is final', () => {
    const deferred = result({ rejected: [{ address: 'ann@example.org', code: 421, reply: '421 later' }] });
    const waits = [1, 2, 3, 4, 9].map((n) => judge(deferred, attempted(n), POLICY, NOW).notBefore! - NOW);
    expect(waits).toEqual([1, 5, 15, 15, 15].map((m) => m * MINUTE));
    // The default policy's steps, as Postfix-like as they are documented.
    expect(DEFAULT_RETRY_POLICY).toEqual({
      backoffMs: [1, 5, 15, 30, 60, 120, 240].map((m) => m * MINUTE),
      networkRetryMs: 30_000,
      maxQueueLifetimeMs: 5 * 86_400_000,
    });
    // No step at all: a minute.
    expect(judge(deferred, attempted(1), { ...POLICY, backoffMs: [] }, NOW).notBefore).toBe(NOW + MINUTE);

    const late = judge(deferred, attempted(5, POLICY.maxQueueLifetimeMs), POLICY, NOW);
    expect(late).toMatchObject({ state: 'sent', error: 'Not delivered to ann@example.org (421 later).' });
    expect(late.recipients[0]!.state).toBe('rejected');
    // A millisecond before the lifetime, it is still deferred.
    expect(judge(deferred, attempted(5, POLICY.maxQueueLifetimeMs - 1), POLICY, NOW).recipients[0]!.state).toBe('deferred');
  });

  it('takes a broken line before the body for "try again when the network is back", and after it for uncertain', () => {
    const before = judge(failure('network', 'Connection closed unexpectedly'), attempted(), POLICY, NOW);
    expect(before).toEqual({
      stage: 'rcpt',
      transcript: 'C: QUIT',
      state: 'queued',
      reply: null,
      error: 'Connection closed unexpectedly. Will retry as soon as the server can be reached.',
      notBefore: NOW + 30_000,
      waitingForNetwork: true,
      recipients: [],
    });
    const after = judge({ ...failure('timeout', 'Timeout!', null, '354 go ahead'), stage: 'final', bodyWritten: true }, attempted(), POLICY, NOW);
    expect(after).toEqual({
      stage: 'final',
      transcript: 'C: QUIT',
      state: 'uncertain',
      reply: '354 go ahead',
      error: 'Timeout! The whole message had been sent, so the server may have delivered it. Check with a recipient, then resend or mark it sent.',
      recipients: [],
    });
    // Past the lifetime a broken line before the body gives up; after the body it stays uncertain.
    const old = attempted(40, POLICY.maxQueueLifetimeMs);
    expect(judge(failure('timeout', '  Greeting never received  '), old, POLICY, NOW)).toMatchObject({
      state: 'failed',
      error: 'Gave up after 2 days: Greeting never received.',
    });
    expect(judge({ ...failure('network', 'reset'), bodyWritten: true }, old, POLICY, NOW).state).toBe('uncertain');
    expect(judge(failure('network', 'down'), old, POLICY, NOW)).toEqual({
      stage: 'rcpt',
      transcript: 'C: QUIT',
      state: 'failed',
      reply: null,
      error: 'Gave up after 2 days: down.',
      recipients: [],
    });
    // A message that ends in a full stop and spaces gets no second one.
    expect(judge(failure('network', 'Connection reset.  '), attempted(), POLICY, NOW).error).toBe(
      'Connection reset. Will retry as soon as the server can be reached.',
    );
  });

  it('retries a 4xx reply with the backoff and fails on a 5xx, keeping the refused recipients; a 4xx past the lifetime gives up', () => {
    const rejected = [{ address: 'bob@example.org', code: 450, reply: '450 busy' }];
    const temporary = judge({ ...failure('reply', 'Mailbox busy', 451, '451 4.3.0 Try later'), rejected }, attempted(1), POLICY, NOW);
    expect(temporary).toEqual({
      stage: 'rcpt',
      transcript: 'C: QUIT',
      state: 'queued',
      reply: '451 4.3.0 Try later',
      error: 'Mailbox busy. Will retry.',
      notBefore: NOW + MINUTE,
      recipients: [{ address: 'bob@example.org', state: 'deferred', reply: '450 busy' }],
    });
    const refused = [{ address: 'bob@example.org', code: 550, reply: '550 unknown' }];
    const permanent = judge({ ...failure('reply', 'Message refused by policy!', 554), rejected: refused }, attempted(1), POLICY, NOW);
    expect(permanent).toEqual({
      stage: 'rcpt',
      transcript: 'C: QUIT',
      state: 'failed',
      reply: null,
      error: 'Message refused by policy!',
      recipients: [{ address: 'bob@example.org', state: 'rejected', reply: '550 unknown' }],
    });
    // 499 is still temporary, 500 is not; a reply without a code is final.
    expect(judge(failure('reply', 'x', 499), attempted(), POLICY, NOW).state).toBe('queued');
    expect(judge(failure('reply', 'x', 500), attempted(), POLICY, NOW).state).toBe('failed');
    expect(judge(failure('reply', 'x', null), attempted(), POLICY, NOW)).toMatchObject({ state: 'failed', error: 'x.' });
    expect(judge(failure('reply', 'Try later', 421), attempted(9, POLICY.maxQueueLifetimeMs), POLICY, NOW)).toMatchObject({
      state: 'failed',
      error: 'Gave up after 2 days: Try later.',
    });
  });

  it.each([
    [86_400_000, '1 day'],
    [5 * 86_400_000, '5 days'],
    [0.25 * 86_400_000, '6 hours'],
    [3_600_000, '1 hour'],
    [15 * MINUTE, '15 minutes'],
    [MINUTE, '1 minute'],
    [1.4 * 86_400_000, '1 day'],
  ])('says a lifetime of %i ms as "%s"', (maxQueueLifetimeMs, words) => {
    const outcome = judge(failure('network', 'down'), attempted(3, maxQueueLifetimeMs), { ...POLICY, maxQueueLifetimeMs }, NOW);
    expect(outcome.error).toBe(`Gave up after ${words}: down.`);
  });

  it('fails at once on a refused sign-in, saying what to check, and on TLS or local trouble with the reason alone', () => {
    expect(judge(failure('auth', 'Invalid login: 535 Authentication failed', 535, '535 no'), attempted(), POLICY, NOW)).toEqual({
      stage: 'rcpt',
      transcript: 'C: QUIT',
      state: 'failed',
      reply: '535 no',
      error: "Invalid login: 535 Authentication failed. Check the account's username and password, then retry.",
      recipients: [],
    });
    for (const kind of ['tls', 'local'] as const) {
      expect(judge(failure(kind, 'The certificate is not trusted?'), attempted(), POLICY, NOW)).toEqual({
        stage: 'rcpt',
        transcript: 'C: QUIT',
        state: 'failed',
        reply: null,
        error: 'The certificate is not trusted?',
        recipients: [],
      });
    }
  });
});

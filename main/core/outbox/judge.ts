/**
 * What an attempt's result means for the message (RFC 5321 §4.2.1, §4.5.4.1): 2xx done, 4xx try
 * again later, 5xx give up on that recipient or message, a broken connection retried unless the body
 * was already written (then the server may have it: `uncertain`, never a silent resend).
 */
import type { RecipientState } from '../../../preload/common/contract/index.ts';
import type { SubmitResult } from '../smtp/submit.ts';
import type { AttemptOutcome } from './store/index.ts';

export interface RetryPolicy {
  /** Delays after the 1st, 2nd, … temporary failure; the last one repeats. */
  backoffMs: readonly number[];
  /** When the network is down: how soon to look again (the online signal may come sooner). */
  networkRetryMs: number;
  /** Give up on a message this long after it was queued (Postfix: maximal_queue_lifetime, 5 days). */
  maxQueueLifetimeMs: number;
}

const MINUTE = 60_000;
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  backoffMs: [1, 5, 15, 30, 60, 120, 240].map((m) => m * MINUTE),
  networkRetryMs: 30_000,
  maxQueueLifetimeMs: 5 * 24 * 60 * MINUTE,
};

interface Attempted {
  attempts: number;
  createdAt: number;
  recipients: string[];
}

export function judge(result: SubmitResult, attempted: Attempted, policy: RetryPolicy, now: number): AttemptOutcome {
  const base = { stage: result.stage, transcript: result.transcript };
  const later = (delay: number) => now + delay;
  const backoff = policy.backoffMs[Math.min(attempted.attempts - 1, policy.backoffMs.length - 1)] ?? MINUTE;
  const expired = now - attempted.createdAt >= policy.maxQueueLifetimeMs;
  const recipientReplies = new Map(result.rejected.map((r) => [r.address, r]));

  const failure = result.failure;
  if (!failure) {
    const recipients = attempted.recipients.map((address) => {
      const rejected = recipientReplies.get(address);
      if (!rejected) return { address, state: 'accepted' as RecipientState, reply: result.reply ?? null };
      return { address, state: recipientState(rejected.code, expired), reply: rejected.reply };
    });
    const deferred = recipients.filter((r) => r.state === 'deferred');
    const refused = recipients.filter((r) => r.state === 'rejected');
    const notes = [
      refused.length ? `Not delivered to ${refused.map((r) => `${r.address} (${r.reply})`).join(', ')}.` : '',
      deferred.length ? `Deferred for ${deferred.map((r) => `${r.address} (${r.reply})`).join(', ')}: will retry those only.` : '',
    ].filter(Boolean);
    return {
      ...base,
      state: deferred.length ? 'queued' : 'sent',
      reply: result.reply ?? null,
      error: notes.length ? notes.join(' ') : null,
      recipients,
      ...(deferred.length ? { notBefore: later(backoff) } : {}),
    };
  }

  const reply = failure.reply ?? null;
  const said = sentence(failure.message);
  switch (failure.kind) {
    case 'network':
    case 'timeout': {
      if (result.bodyWritten) {
        return {
          ...base,
          state: 'uncertain',
          reply,
          error: `${said} The whole message had been sent, so the server may have delivered it. Check with a recipient, then resend or mark it sent.`,
          recipients: [],
        };
      }
      if (expired) return { ...base, state: 'failed', reply, error: `Gave up after ${lifetime(policy)}: ${said}`, recipients: [] };
      return {
        ...base,
        state: 'queued',
        reply,
        error: `${said} Will retry as soon as the server can be reached.`,
        notBefore: later(policy.networkRetryMs),
        waitingForNetwork: true,
        recipients: [],
      };
    }
    case 'reply': {
      // Per-recipient refusals (RCPT TO) are recorded on each recipient.
      const recipients = attempted.recipients
        .filter((address) => recipientReplies.has(address))
        .map((address) => {
          const r = recipientReplies.get(address)!;
          return { address, state: recipientState(r.code, expired), reply: r.reply };
        });
      const temporary = failure.code !== null && failure.code < 500;
      if (temporary && !expired) {
        return { ...base, state: 'queued', reply, error: `${said} Will retry.`, notBefore: later(backoff), recipients };
      }
      const prefix = temporary ? `Gave up after ${lifetime(policy)}: ` : '';
      return { ...base, state: 'failed', reply, error: `${prefix}${said}`, recipients };
    }
    case 'keychain':
      // Locked, or its service gone: nothing is wrong with the message, and it goes once the keychain answers.
      if (expired) return { ...base, state: 'failed', reply, error: `Gave up after ${lifetime(policy)}: ${said}`, recipients: [] };
      return {
        ...base,
        state: 'queued',
        reply,
        error: `${said} It waits and goes once the keychain answers.`,
        notBefore: later(policy.networkRetryMs),
        recipients: [],
      };
    case 'auth':
      return { ...base, state: 'failed', reply, error: `${said} Check the account's username and password, then retry.`, recipients: [] };
    case 'tls':
    case 'local':
      return { ...base, state: 'failed', reply, error: said, recipients: [] };
  }
}

function recipientState(code: number | null, expired: boolean): RecipientState {
  return code !== null && code < 500 && !expired ? 'deferred' : 'rejected';
}

/** Nodemailer's messages and servers' replies end without a full stop; ours go on after them. */
const sentence = (text: string): string => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);

/** How long the account keeps trying, in words: "5 days", "1 day", "12 hours", "15 minutes" (retryDays may be a fraction). */
function lifetime({ maxQueueLifetimeMs: ms }: RetryPolicy): string {
  const [count, unit] = ms >= 86_400_000 ? [ms / 86_400_000, 'day'] : ms >= 3_600_000 ? [ms / 3_600_000, 'hour'] : [ms / MINUTE, 'minute'];
  const n = Math.round(count);
  return `${n} ${unit}${n === 1 ? '' : 's'}`;
}

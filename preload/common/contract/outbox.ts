/** `outbox`: messages on their way, from Send until the server has them or the user gives up on them. */
import * as z from 'zod/mini';
import { DeliveryReport, messageFields } from './compose.ts';
import type { DraftView } from './drafts.ts';
import { base64Length } from '../staging.ts';
import { cursor, id, line, method, pageLimit, text, whole } from './method.ts';

export const MESSAGE_STATES = ['queued', 'sending', 'sent', 'failed', 'uncertain', 'cancelled'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export const RECIPIENT_STATES = ['pending', 'accepted', 'deferred', 'rejected'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/** How far an SMTP attempt got; recorded for every attempt. */
export const SMTP_STAGES = ['connect', 'greeting', 'ehlo', 'starttls', 'auth', 'mail', 'rcpt', 'data', 'body', 'final'] as const;
export type SmtpStage = (typeof SMTP_STAGES)[number];

export interface RecipientView {
  address: string;
  kind: 'to' | 'cc' | 'bcc';
  state: RecipientState;
  /** The server's reply to this recipient's RCPT TO (or to the message, once accepted). */
  reply: string | null;
}

export interface MessageView {
  id: number;
  /** null once the account was removed (its Sent history stays). */
  accountId: number | null;
  accountName: string;
  /** RFC 5322 Message-ID, with angle brackets; fixed at enqueue. */
  messageId: string;
  from: string;
  subject: string;
  state: MessageState;
  /** Why a queued message waits on purpose: the undo window or a scheduled time (null: backoff or due). */
  hold: Hold | null;
  recipients: RecipientView[];
  createdAt: string;
  /** Earliest time the next attempt may start (undo window, schedule, backoff). */
  notBefore: string | null;
  sentAt: string | null;
  attempts: number;
  /** The server's last reply, e.g. `250 2.0.0 Ok: queued as 4Xk…`. */
  lastReply: string | null;
  lastStage: SmtpStage | null;
  /** A sentence a person can act on, when the last attempt did not succeed. */
  lastError: string | null;
  size: number;
  /** Queued by `outbound sendmail` (a program's mail), not written in the composer. */
  submittedBy: 'sendmail' | null;
  /** The delivery report asked for; `dropped`: the server does not offer DSN, so the request did not reach it. */
  deliveryReport: (DeliveryReport & { dropped: boolean }) | null;
  /** The copy in the account's IMAP Sent folder, once the message is sent; null: no IMAP server (or not sent yet). */
  sentCopy: SentCopyView | null;
}

export const SENT_COPY_STATES = ['saved', 'pending', 'failed', 'skipped'] as const;
export type SentCopyState = (typeof SENT_COPY_STATES)[number];

export interface SentCopyView {
  state: SentCopyState;
  /** Where it was saved (or is to go, once known). */
  folder: string | null;
  /** Why it waits (the last try), failed or was skipped; null when saved. */
  reason: string | null;
  /** Pending: the next try. */
  nextTry: string | null;
}

/** One attempt to submit a message: how far it got, what the server said, and the dialogue. */
export interface AttemptView {
  startedAt: string;
  finishedAt: string | null;
  /** The stage the attempt reached. */
  stage: SmtpStage | null;
  /** What the attempt left the message as (`queued`: it will be retried). */
  outcome: MessageState | null;
  reply: string | null;
  error: string | null;
  /** The SMTP dialogue: never the message content, every AUTH payload redacted. */
  transcript: string;
}

export const HOLDS = ['undo', 'scheduled'] as const;
export type Hold = (typeof HOLDS)[number];

export interface OutboxChange {
  id: number;
  state: MessageState;
}

export interface Connectivity {
  /** Whether the last look at the network found it up. */
  online: boolean;
}

/** Bytes of a message's frozen file written to the server so far, during its attempt. */
export interface SendProgress {
  id: number;
  sent: number;
  total: number;
}

export const ComposeInput = z.object({
  ...messageFields,
  /** Scheduled send: not before this time (ISO 8601 with offset). */
  sendAt: z.optional(z.iso.datetime({ offset: true })),
  /** The undo window for this message; default: the undo setting. */
  delaySeconds: z.optional(whole(0, 30)),
  /** The saved draft this message was written in: discarded once the message is queued. */
  draftId: z.optional(id),
  /** Absent: the account's default; null: none asked for. */
  deliveryReport: z.optional(z.nullable(DeliveryReport)),
});
export type ComposeInput = z.input<typeof ComposeInput>;

/** The largest message `outbox.submitRaw` takes. */
export const RAW_LIMIT_BYTES = 64 * 1024 * 1024;

/** A whole message as programs hand it to sendmail (`outbound sendmail`), and how to read its envelope. */
export const SubmitRawInput = z.object({
  /** The message's bytes, base64 (its charset is its own): headers and body, LF or CRLF line endings. */
  raw: z.base64().check(z.maxLength(base64Length(RAW_LIMIT_BYTES))),
  /** Recipients besides those of the headers (sendmail's operands). */
  recipients: z.array(line(2000)).check(z.maxLength(1000)),
  /** Also read To, Cc and Bcc (or those of the first Resent- block) from the headers (sendmail -t). */
  readRecipients: z.boolean(),
  /** The envelope sender (sendmail -f): it picks the account whose address or identity it is. */
  envelopeFrom: z.optional(line(320)),
  /** Take the envelope sender from the From header instead. */
  readEnvelopeFrom: z.boolean(),
  /** The account to send from; by default the one the envelope sender names, else the default account. */
  accountId: z.optional(id),
  /** The name in a From header Outbound adds (sendmail -F). */
  fromName: z.optional(line(200)),
  /** sendmail -N and -R; absent: the account's default. */
  deliveryReport: z.optional(z.nullable(DeliveryReport)),
});
export type SubmitRawInput = z.input<typeof SubmitRawInput>;

// The Outbox and Sent lists in pages: a filter (search, account, state), a cursor from the last page, and counts.

/** What a list can be narrowed to: a message's state, or `scheduled` (queued, held for its time). */
export const LIST_STATES = ['queued', 'scheduled', 'sending', 'failed', 'uncertain', 'sent'] as const;
export type ListState = (typeof LIST_STATES)[number];

/** Letters or digits: what the search index holds (punctuation separates words). */
const searchable = /[\p{L}\p{N}]/u;

export const ListFilter = z.object({
  /** Words of the subject, the From, the recipients (Bcc included) or the body text; each a prefix ("inv" finds "invoice"). */
  search: z.optional(text(500).check(z.refine((s) => s.trim() === '' || searchable.test(s), 'must contain a letter or a digit to search for'))),
  accountId: z.optional(id),
  state: z.optional(z.enum(LIST_STATES)),
});
export type ListFilter = z.input<typeof ListFilter>;

export const PageQuery = z.extend(ListFilter, {
  /** The `next` of the page before: the page after it. */
  after: z.optional(cursor),
  limit: z.optional(pageLimit),
});
export type PageQuery = z.input<typeof PageQuery>;

export interface ListCounts {
  /** Messages that match the whole filter. */
  total: number;
  /** Those that match it but for its state, per state (`queued` counts the scheduled ones too). */
  byState: Partial<Record<ListState, number>>;
}

export interface MessagePage {
  /** Newest first. */
  messages: MessageView[];
  /** Where the next page starts (`after`); null: this was the last. */
  next: string | null;
  /** On the first page only (no `after`); null on the pages after it. */
  counts: ListCounts | null;
}

/** What a bulk action acts on: the messages chosen, or every message the filter finds. */
export const BulkTarget = z.union([z.strictObject({ ids: z.array(id).check(z.minLength(1), z.maxLength(10_000)) }), z.strictObject({ filter: ListFilter })]);
export type BulkTarget = z.input<typeof BulkTarget>;

export interface BulkResult {
  /** Messages the action changed. */
  changed: number;
  /** Messages of the target it does not apply to (already sent, being sent, not failed…), left as they were. */
  unchanged: number;
}

export const outboxMethods = {
  /** Freeze the message durably, queue it and start sending; resolves once it is on disk. */
  send: method(z.tuple([ComposeInput])).returns<MessageView>(),
  /**
   * Queue a complete message as it is (sendmail): line endings made CRLF, Bcc removed from the
   * headers, From, Date and Message-ID added when missing; resolves once it is on disk.
   */
  submitRaw: method(z.tuple([SubmitRawInput])).returns<MessageView>(),
  /** Everything not yet sent: queued, sending, failed, uncertain; newest first. */
  list: method(z.tuple([])).returns<MessageView[]>(),
  /** The Outbox a page at a time, newest first, narrowed by search, account and state; counts on the first page. */
  page: method(z.tuple([z.optional(PageQuery)])).returns<MessagePage>(),
  /** Retry now every failed message of the target (chosen, or what a filter finds), in one go. */
  retryAll: method(z.tuple([BulkTarget])).returns<BulkResult>(),
  /** Cancel every message of the target that can be cancelled (queued, scheduled, failed, uncertain), in one go. */
  cancelAll: method(z.tuple([BulkTarget])).returns<BulkResult>(),
  /** One message, in the outbox or in Sent. */
  get: method(z.tuple([id])).returns<MessageView>(),
  cancel: method(z.tuple([id])).returns<MessageView>(),
  /** Try a queued or failed message now, ignoring its backoff. */
  retry: method(z.tuple([id])).returns<MessageView>(),
  /**
   * Attempt a queued message now, whatever it waits for (backoff, undo window, schedule), and resolve
   * with how it ended; one no longer queued (cancelled meanwhile), being sent by another process or
   * held back by its account (paused, at its limits) resolves as it is.
   */
  sendNow: method(z.tuple([id])).returns<MessageView>(),
  /**
   * Attempt every queued message now, ignoring backoff but not the undo window or a schedule (as
   * `postqueue -f`); resolves with each message that was queued, as it is afterwards.
   */
  flush: method(z.tuple([])).returns<MessageView[]>(),
  /** Undo send / edit: take a queued or failed message out of the outbox, back into the composer. */
  takeBack: method(z.tuple([id])).returns<DraftView>(),
  /** An uncertain message: the user decided it did not arrive; send the same bytes again. */
  resend: method(z.tuple([id])).returns<MessageView>(),
  /** An uncertain message: the user decided it arrived. */
  markSent: method(z.tuple([id])).returns<MessageView>(),
  /** A message's attempts, newest first, each with its SMTP dialogue: what the server answered when a send went wrong. */
  attempts: method(z.tuple([id])).returns<AttemptView[]>(),
  connectivity: method(z.tuple([])).returns<Connectivity>(),
} as const;

/**
 * `testInbox`: Outbound's own SMTP server on 127.0.0.1, to try sending with no account of one's own.
 * A real account goes through it (STARTTLS on a pinned certificate, AUTH); it relays nothing: every
 * message, to any address, lands here.
 */
import * as z from 'zod/mini';
import type { AccountView } from './accounts.ts';
import { TEST_INBOX_FAULTS } from './choices.ts';
import type { MessageContent } from './sent.ts';
import { id, line, method } from './method.ts';

export type TestInboxFault = (typeof TEST_INBOX_FAULTS)[number];

export interface TestInboxView {
  /** Its account; null until "Try it with a test inbox". */
  accountId: number | null;
  /** Listening now, in this process. */
  running: boolean;
  port: number | null;
  fault: TestInboxFault;
}

export interface TestInboxMessageView {
  id: number;
  /** MAIL FROM, and the RCPT TO addresses it accepted. */
  envelopeFrom: string;
  envelopeTo: string[];
  from: string;
  subject: string;
  size: number;
  receivedAt: string;
}

export type TestInboxMessageDetail = TestInboxMessageView & MessageContent;

export const testInboxMethods = {
  status: method(z.tuple([])).returns<TestInboxView>(),
  /** Starts the server and adds its account (once; again: the same account). */
  create: method(z.tuple([z.object({ name: z.optional(line(100)) })])).returns<AccountView>(),
  /** Newest first. */
  list: method(z.tuple([])).returns<TestInboxMessageView[]>(),
  get: method(z.tuple([id])).returns<TestInboxMessageDetail>(),
  /** Removes every message it received. */
  empty: method(z.tuple([])).returns<null>(),
  setFault: method(z.tuple([z.enum(TEST_INBOX_FAULTS)])).returns<TestInboxView>(),
} as const;

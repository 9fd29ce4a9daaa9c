/** `sent`: messages the server accepted. */
import { z } from 'zod';
import { id, method } from './method.ts';
import { PageQuery, type MessagePage, type MessageView } from './outbox.ts';

export const SentListOptions = z.object({
  /** The newest this many; default 1000. */
  limit: z.number().int().min(1).max(1000).optional(),
});
export type SentListOptions = z.input<typeof SentListOptions>;

/** A message as its recipients read it, from its bytes: for the Sent viewer and the test inbox. */
export interface MessageContent {
  from: string;
  to: string;
  cc: string;
  subject: string;
  date: string | null;
  messageId: string | null;
  text: string;
  /** Sanitised HTML (no scripts, no remote content), for a sandboxed frame; null for a plain-text message. */
  html: string | null;
  attachments: { filename: string; contentType: string; size: number }[];
  /** The bytes (headers and body), as text. */
  source: string;
}

export const sentMethods = {
  /** The newest, in one answer (the composer's suggestions, `outbound outbox list`). */
  list: method(z.tuple([SentListOptions.optional()])).returns<MessageView[]>(),
  /** Sent a page at a time, newest first, narrowed by search and account; counts on the first page. */
  page: method(z.tuple([PageQuery.optional()])).returns<MessagePage>(),
  /** Try a failed or waiting copy in Sent again now. */
  retryCopy: method(z.tuple([id])).returns<MessageView>(),
  /** The message itself, as it went: its frozen bytes read (Bcc is on the envelope only, so in `MessageView.recipients`). */
  content: method(z.tuple([id])).returns<MessageContent>(),
} as const;

/** `sent`: messages the server accepted. */
import * as z from 'zod/mini';
import type { SavedDraftView } from './drafts.ts';
import { id, method, whole } from './method.ts';
import { PageQuery, type MessagePage, type MessageView } from './outbox.ts';

export const SentListOptions = z.object({
  /** The newest this many; default 1000. */
  limit: z.optional(whole(1, 1000)),
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

/** A file for the user to save (a download in the page, a file from the CLI): its bytes and a safe name to offer. */
export interface FileCopy {
  /** A file name with no directories, control or bidi characters. */
  name: string;
  contentType: string;
  base64: string;
}

/** An attachment by its place in `MessageContent.attachments`. */
const attachmentIndex = whole(0, 9999);

export const sentMethods = {
  /** The newest, in one answer (the composer's suggestions, `outbound outbox list`). */
  list: method(z.tuple([z.optional(SentListOptions)])).returns<MessageView[]>(),
  /** Sent a page at a time, newest first, narrowed by search and account; counts on the first page. */
  page: method(z.tuple([z.optional(PageQuery)])).returns<MessagePage>(),
  /** Try a failed or waiting copy in Sent again now. */
  retryCopy: method(z.tuple([id])).returns<MessageView>(),
  /** The message itself, as it went: its frozen bytes read (Bcc is on the envelope only, so in `MessageView.recipients`). */
  content: method(z.tuple([id])).returns<MessageContent>(),
  /** The frozen bytes exactly as they were submitted, as an .eml file (no Bcc header: the envelope carried it). */
  eml: method(z.tuple([id])).returns<FileCopy>(),
  /** One attachment's bytes, decoded, under its sanitised name. */
  attachment: method(z.tuple([id, attachmentIndex])).returns<FileCopy>(),
  /** A new saved draft with the message's From, recipients (Bcc too), subject, body and attachments; the message is left as it is. */
  editAsNew: method(z.tuple([id])).returns<SavedDraftView>(),
} as const;

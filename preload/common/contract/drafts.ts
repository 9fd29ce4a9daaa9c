/** `drafts`: messages being written, autosaved by the composer. */
import * as z from 'zod/mini';
import type { AttachmentView, InlineImageView } from './attachments.ts';
import { messageFields } from './compose.ts';
import { cursor, id, method, pageLimit } from './method.ts';

/** What the composer needs to restore a message (undo send, edit from the outbox, a saved draft). */
export interface DraftView {
  accountId: number;
  /** The From alias; null: the account's own address. */
  identityId: number | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  /** The rich-text body (sanitised); null: plain text only. */
  html: string | null;
  /** An explicit Reply-To; null: the identity's or the account's. */
  replyTo: string | null;
  attachments: AttachmentView[];
  inline: InlineImageView[];
}

/** A draft kept in the database (autosaved by the composer). */
export interface SavedDraftView extends DraftView {
  id: number;
  updatedAt: string;
}

/** A draft as the composer autosaves it: no id creates one, an id updates it. Recipients are kept as typed. */
export const DraftInput = z.object({ ...messageFields, id: z.optional(id) });
export type DraftInput = z.input<typeof DraftInput>;

export const DraftPageQuery = z.object({ after: z.optional(cursor), limit: z.optional(pageLimit) });
export type DraftPageQuery = z.input<typeof DraftPageQuery>;

export interface DraftPage {
  /** Newest first (last saved). */
  drafts: SavedDraftView[];
  /** Where the next page starts (`after`); null: this was the last. */
  next: string | null;
  /** How many drafts there are. */
  total: number;
}

export const draftMethods = {
  /** Create (no id) or update a draft; attachments must be picked or staged files. */
  save: method(z.tuple([DraftInput])).returns<SavedDraftView>(),
  /** Newest first. */
  list: method(z.tuple([])).returns<SavedDraftView[]>(),
  /** A page at a time, newest first. */
  page: method(z.tuple([z.optional(DraftPageQuery)])).returns<DraftPage>(),
  get: method(z.tuple([id])).returns<SavedDraftView>(),
  discard: method(z.tuple([id])).returns<null>(),
} as const;

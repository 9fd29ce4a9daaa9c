/** `sent`: messages the server accepted. */
import { z } from 'zod';
import { id, method } from './method.ts';
import type { MessageView } from './outbox.ts';

export const SentListOptions = z.object({
  /** The newest this many; default 1000. */
  limit: z.number().int().min(1).max(1000).optional(),
});
export type SentListOptions = z.input<typeof SentListOptions>;

export const sentMethods = {
  /** Newest first. */
  list: method(z.tuple([SentListOptions.optional()])).returns<MessageView[]>(),
  /** Try a failed or waiting copy in Sent again now. */
  retryCopy: method(z.tuple([id])).returns<MessageView>(),
} as const;

/** `sent`: messages the server accepted. */
import { z } from 'zod';
import { method } from './method.ts';
import type { MessageView } from './outbox.ts';

export const sentMethods = {
  list: method(z.tuple([])).returns<MessageView[]>(),
} as const;

/** `templates`: messages kept to start new ones from (a subject and a body), for everyone or for one From identity. */
import * as z from 'zod/mini';
import { messageFields } from './compose.ts';
import { filled, id, method } from './method.ts';

export interface TemplateView {
  id: number;
  name: string;
  /** The From a template belongs to (an account, and an alias of it); null: any. */
  accountId: number | null;
  identityId: number | null;
  subject: string;
  text: string;
  /** The rich-text body (sanitised); null: plain text. */
  html: string | null;
  updatedAt: string;
}

/** No id saves a new template; an id replaces that one. */
export const TemplateInput = z.object({
  id: z.optional(id),
  name: filled(100, 1, 'needs a name'),
  accountId: z.nullable(id),
  identityId: z.nullable(id),
  subject: messageFields.subject,
  text: messageFields.text,
  html: messageFields.html,
});
export type TemplateInput = z.input<typeof TemplateInput>;

export const templateMethods = {
  /** By name. */
  list: method(z.tuple([])).returns<TemplateView[]>(),
  save: method(z.tuple([TemplateInput])).returns<TemplateView>(),
  remove: method(z.tuple([id])).returns<null>(),
} as const;

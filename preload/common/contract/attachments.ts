/** `attachments`: files a message may carry, chosen in the file dialog or uploaded. */
import * as z from 'zod/mini';
import { base64Length, STAGE_LIMIT_BYTES } from '../staging.ts';
import { line, method, text } from './method.ts';

/** A file the user attached: `path` is what ComposeInput and DraftInput take back (a picked file, or a staged copy). */
export interface AttachmentView {
  path: string;
  /** The file name the recipient sees (no directories). */
  name: string;
  size: number;
}

/** An image pasted into the rich text, referenced from the HTML as `cid:<cid>`. */
export interface InlineImageView extends AttachmentView {
  cid: string;
}

/** A file path from `attachments.pick` or `attachments.stage`; the core refuses any other. */
export const filePath = text(4096).check(
  z.minLength(1),
  z.refine((s) => !s.includes('\0'), 'must not contain NUL'),
);

/** Base64 longer than STAGE_LIMIT_BYTES decoded is refused before it is decoded, naming the file (dispatch takes `params.field`). */
function refuseTooLong([name, base64]: [string, string], ctx: z.core.$RefinementCtx<[string, string]>): void {
  if (base64.length <= base64Length(STAGE_LIMIT_BYTES)) return;
  const message = `"${name}" is over the ${STAGE_LIMIT_BYTES / 1024 / 1024} MB limit for files added this way.`;
  ctx.addIssue({ code: 'custom', message, params: { field: 'attachments' } });
}

export const attachmentMethods = {
  /** The desktop app's file dialog; the chosen files become attachable. Elsewhere: `unavailable`. */
  pick: method(z.tuple([])).returns<AttachmentView[]>(),
  /** Upload a file's bytes (base64, up to STAGE_LIMIT_BYTES decoded) for a host without a file dialog, or a dropped or pasted file. */
  stage: method(z.tuple([line(255), z.string()]).check(z.superRefine(refuseTooLong))).returns<AttachmentView>(),
} as const;

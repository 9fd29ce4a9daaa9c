/**
 * What every namespace's method table is built from: the `method()` builder and the small schemas they share.
 *
 * The contract is written with zod's mini build (`zod/mini`: functions, not chained methods): its
 * schemas are a fraction of the full build's to make, which every start of the CLI and of the preload
 * pays for the whole table (README, "The command line's start").
 */
import * as z from 'zod/mini';

// The full build's English messages (the mini build has none), for the refusals dispatch words from them.
z.config(z.locales.en());

/** A method: its argument tuple schema, and (as a phantom type) what it resolves to. */
export interface Method<A extends z.ZodMiniTuple, R> {
  args: A;
  /** Never read at run time; carries the result type. */
  result?: R;
}

export const method = <A extends z.ZodMiniTuple>(args: A) => ({ returns: <R>(): Method<A, R> => ({ args }) });

/** A row id. */
export const id = z.int().check(z.positive(), z.maximum(Number.MAX_SAFE_INTEGER));

/** A whole number from `min` to `max` (a port, a limit). */
export const whole = (min: number, max: number) => z.int().check(z.minimum(min), z.maximum(max));

/** Any text of at most `max` characters. */
export const text = (max: number) => z.string().check(z.maxLength(max));

/** Where a list's next page starts: the `next` of the page before (its time and id). */
export const cursor = z.string().check(z.regex(/^\d{1,16}:\d{1,16}$/, 'must be the `next` of a page of this list'));
/** Rows per page of a list; default 100. */
export const pageLimit = whole(1, 500);

/** A string that goes into a header or a protocol line: no line breaks, at most `max` characters. */
export const line = (max: number) => text(max).check(z.refine((s) => !/[\r\n]/.test(s), 'must be a single line (no line breaks)'));

/** A line that must say something: trimmed, then at least `min` characters. */
export const filled = (max: number, min = 1, message?: string) => line(max).check(z.trim(), z.minLength(min, message));

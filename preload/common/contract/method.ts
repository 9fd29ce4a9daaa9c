/** What every namespace's method table is built from: the `method()` builder and the small schemas they share. */
import { z } from 'zod';

/** A method: its argument tuple schema, and (as a phantom type) what it resolves to. */
export interface Method<A extends z.ZodTuple, R> {
  args: A;
  /** Never read at run time; carries the result type. */
  result?: R;
}

export const method = <A extends z.ZodTuple>(args: A) => ({ returns: <R>(): Method<A, R> => ({ args }) });

/** A row id. */
export const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Where a list's next page starts: the `next` of the page before (its time and id). */
export const cursor = z.string().regex(/^\d{1,16}:\d{1,16}$/, 'must be the `next` of a page of this list');
/** Rows per page of a list; default 100. */
export const pageLimit = z.number().int().min(1).max(500);

/** A string that goes into a header or a protocol line: no line breaks, at most `max` characters. */
export const line = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !/[\r\n]/.test(s), 'must be a single line (no line breaks)');

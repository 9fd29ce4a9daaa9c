import type { ApiError } from '../../preload/common/contract/index.ts';

export interface FormErrors<F extends string> {
  /** Messages shown next to the field they are about. */
  fields: Partial<Record<F, string>>;
  /** Anything not about one of the form's fields. */
  banner: string | null;
}

export const noErrors = <F extends string>(): FormErrors<F> => ({ fields: {}, banner: null });

/**
 * Place an API error on the form: next to its field when the form has that field (`to.0` is about
 * `to`), otherwise in the banner.
 */
export function placeError<F extends string>(error: ApiError, fields: readonly F[]): FormErrors<F> {
  const head = error.field?.split('.')[0];
  const field = fields.find((f) => f === head);
  const message = error.reply ? `${error.message} The server said: ${error.reply}` : error.message;
  return field ? { fields: { [field]: message } as Partial<Record<F, string>>, banner: null } : { fields: {}, banner: message };
}

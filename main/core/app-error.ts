import type { ApiError, ErrorCode } from '../../preload/common/contract/index.ts';

/** An error a person can act on; crosses the bridge as `{ ok: false, error }`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly field: string | undefined;
  readonly reply: string | undefined;

  constructor(code: ErrorCode, message: string, extra: { field?: string; reply?: string; cause?: unknown } = {}) {
    super(message, { cause: extra.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = extra.field;
    this.reply = extra.reply;
  }

  toApiError(): ApiError {
    const error: ApiError = { code: this.code, message: this.message };
    if (this.field !== undefined) error.field = this.field;
    if (this.reply !== undefined) error.reply = this.reply;
    return error;
  }
}

export const invalid = (field: string, message: string): AppError => new AppError('invalid_input', message, { field });
export const notFound = (message: string): AppError => new AppError('not_found', message);

/** What every method resolves to: its value, or an error a person can act on. */

export const ERROR_CODES = [
  'invalid_input',
  'not_found',
  'conflict',
  'keychain_unavailable',
  'password_command_failed',
  'smtp_unreachable',
  'smtp_auth',
  'smtp_tls',
  'smtp_rejected',
  'smtp_temporary',
  /** OAuth2 sign-in did not complete: denied in the browser, timed out, a state mismatch, the token endpoint refused. */
  'sign_in_failed',
  /** Faults of the machine (hosts/machine-faults.ts): the disk is full or failing; a file cannot be created or written; the database is damaged or held by another process. */
  'disk_full',
  'io_error',
  'cannot_create',
  'no_permission',
  'database_damaged',
  'database_busy',
  /** The user paused all sending (the tray, Settings, `outbound outbox pause`): the message waits in the outbox. */
  'paused',
  /** The transport refused the call (browser host: token, Host or Origin; Electron: the sender frame). */
  'forbidden',
  /** The transport could not reach main (the browser host is down, a body too large). */
  'unavailable',
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
  code: ErrorCode;
  /** One sentence a person can act on. */
  message: string;
  /** The input field the error is about, when there is one (e.g. `to`, `port`). */
  field?: string;
  /** The server's reply, when the server said something. */
  reply?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ApiError };

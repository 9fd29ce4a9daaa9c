/** What every `outbound` command shares: its context, exit codes, argument helpers and error reporting. */
import type { parseArgs } from 'node:util';
import { DSN_NOTIFY } from '../../../preload/common/contract/choices.ts';
import type { ApiError, DeliveryReport, DsnNotify, OutboundApi, Result } from '../../../preload/common/contract/index.ts';
import type { openInProcess } from '../in-process.ts';

/** sysexits(3), as sendmail's: scripts already know them. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 64,
  dataError: 65,
  noUser: 67,
  cantCreate: 73,
  ioError: 74,
  tempFail: 75,
  noPermission: 77,
  config: 78,
} as const;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  /** Standard input as it is, bytes (a message in any charset). */
  readStdinBytes: () => Promise<Buffer>;
}

export class UsageError extends Error {}

export interface Context {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  /** Operands after the options, for commands that take one (`outbox cancel ID`). */
  positionals: string[];
  io: CliIo;
  /** The contract over the core on the data directory: the CLI's only way in. */
  api: OutboundApi;
}

interface CommandSyntax {
  /** One line for the usage text (after the command's name). */
  usage: string;
  options: NonNullable<Parameters<typeof parseArgs>[0]>['options'];
  /** How many operands the command takes (default none); ignored when the command parses its own arguments. */
  operands?: number;
  /** Its own argument parser, for a syntax parseArgs cannot read (sendmail's `-oi`, `-f addr`); throws UsageError. */
  parse?: (args: string[]) => Pick<Context, 'values' | 'positionals'>;
}

export type Command = CommandSyntax &
  (
    | {
        /** What the command needs of the core beyond the CLI's defaults (shorter SMTP timeouts; the daemon's background sender). */
        core?: (values: Context['values']) => Pick<Parameters<typeof openInProcess>[0], 'sender' | 'autoSend' | 'checkDatabase'>;
        run: (ctx: Context) => Promise<number>;
      }
    | {
        /** Works on the data directory with no core open (`repair`: a damaged database cannot be opened). */
        withoutCore: (ctx: Omit<Context, 'api'>) => Promise<number>;
      }
  );

export const EXIT_OF_ERROR: Partial<Record<ApiError['code'], number>> = {
  invalid_input: EXIT.dataError,
  not_found: EXIT.noUser,
  conflict: EXIT.dataError,
  keychain_unavailable: EXIT.config,
  password_command_failed: EXIT.config,
  // Durable in the outbox, to go once sending is resumed: "still queued", as sendmail's 75 says.
  paused: EXIT.tempFail,
  // Faults of the machine, as sysexits(3) names them.
  disk_full: EXIT.ioError,
  io_error: EXIT.ioError,
  database_damaged: EXIT.ioError,
  cannot_create: EXIT.cantCreate,
  no_permission: EXIT.noPermission,
  database_busy: EXIT.tempFail,
};

export function report(io: CliIo, error: ApiError): number {
  io.stderr(`outbound: ${error.message}${error.reply ? ` (server: ${error.reply})` : ''}`);
  return EXIT_OF_ERROR[error.code] ?? EXIT.failed;
}

export function unwrap<T>(io: CliIo, result: Result<T>): T | undefined {
  if (result.ok) return result.value;
  report(io, result.error);
  return undefined;
}

export function required(values: Context['values'], name: string): string {
  const value = values[name];
  if (typeof value !== 'string') throw new UsageError(`--${name} is required.`);
  return value;
}

export const optional = (values: Context['values'], name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

export const list = (value: Context['values'][string]): string[] => (Array.isArray(value) ? value.map(String) : []);

/**
 * A delivery report request in sendmail's words (`-N never` or `-N failure,delay`; `-R full|hdrs`),
 * which `send --dsn` and `--dsn-return` take too; undefined when neither is given (the account's default).
 */
export function deliveryReportOption(option: string, notify: string | undefined, returns: string | undefined): DeliveryReport | undefined {
  if (notify === undefined && returns === undefined) return undefined;
  const words = (notify ?? 'failure').toLowerCase().split(',');
  const events = words.filter((word): word is DsnNotify => (DSN_NOTIFY as readonly string[]).includes(word));
  const never = words.length === 1 && words[0] === 'never';
  if (!never && events.length !== words.length) {
    throw new UsageError(`${option} takes "never" or a comma-separated list of ${DSN_NOTIFY.join(', ')}, not "${notify}".`);
  }
  const ret = returns?.toLowerCase();
  if (ret !== undefined && ret !== 'full' && ret !== 'hdrs') throw new UsageError(`the report's return takes "full" or "hdrs", not "${returns}".`);
  return { notify: never ? 'never' : events, returns: ret === 'full' ? 'full' : 'headers' };
}

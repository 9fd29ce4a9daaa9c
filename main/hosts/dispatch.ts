/**
 * The one door into the API for every transport (Electron IPC, the browser host): look the channel
 * up in the contract, validate the payload with its schema, call the implementation and wrap the
 * outcome in a Result. Anything not in the table, or not matching its schema, changes nothing.
 */
import * as z from 'zod/mini';
import { argsSchemaOf, type ApiImplementation, type Result } from '../../preload/common/contract/index.ts';
import { AppError } from '../core/app-error.ts';
import { machineFault } from './machine-faults.ts';

export type Dispatch = (channel: string, args: unknown) => Promise<Result<unknown>>;

/** `home`: the data directory the API works on, which a fault of the machine names. */
export function createDispatch(api: ApiImplementation, home: string, log: (line: string) => void = console.error): Dispatch {
  return async (channel, args) => {
    const schema = typeof channel === 'string' ? argsSchemaOf(channel) : undefined;
    if (!schema) return fail(new AppError('invalid_input', `Unknown method "${String(channel).slice(0, 64)}".`));
    const parsed = z.safeParse(schema, Array.isArray(args) ? args : [args]);
    if (!parsed.success) return fail(describeInvalid(parsed.error));
    const [namespace, name] = channel.split('.') as [keyof ApiImplementation, string];
    const fn = (api[namespace] as Record<string, (...a: unknown[]) => unknown>)[name]!;
    try {
      return { ok: true, value: await fn(...(parsed.data as unknown[])) };
    } catch (error) {
      if (error instanceof AppError) return fail(error);
      const fault = machineFault(error, home);
      if (fault) return fail(fault);
      // Unexpected: log what and where, never the payload (it may hold a message or a password).
      log(`outbound: ${channel} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      return fail(new AppError('internal', 'Something went wrong inside Outbound; nothing was changed. Details are in the log.'));
    }
  };
}

function fail(error: AppError): Result<never> {
  return { ok: false, error: error.toApiError() };
}

/** The first problem, as a sentence about the field a person sees: "Port must be at most 65535." */
function describeInvalid(error: z.core.$ZodError): AppError {
  const issue = error.issues[0];
  if (!issue) return new AppError('invalid_input', 'The request was not valid.');
  // A schema that words its own refusal names the field in params (attachments.stage: the file and the limit).
  const ownField: unknown = issue.code === 'custom' ? issue.params?.['field'] : undefined;
  if (typeof ownField === 'string') return new AppError('invalid_input', issue.message, { field: ownField });
  const path = issue.path.slice(1).map(String); // [0] is the argument's position
  const field = path.length > 0 ? path.join('.') : undefined;
  const key = path.find((p) => !/^\d+$/.test(p));
  const label = key ? (FIELD_LABELS[key] ?? key) : 'The request';
  return new AppError('invalid_input', `${label} ${problemOf(issue)}.`, field ? { field } : {});
}

const FIELD_LABELS: Record<string, string> = {
  name: 'Name',
  email: 'Email address',
  displayName: 'Display name',
  host: 'Server',
  port: 'Port',
  security: 'Security',
  username: 'Username',
  password: 'Password',
  passwordCommand: 'Password command',
  accountId: 'From account',
  to: 'To',
  cc: 'Cc',
  bcc: 'Bcc',
  subject: 'Subject',
  text: 'Message text',
  id: 'Id',
};

function problemOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'is required' : `must be ${issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}`;
    case 'too_small':
      if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'is required' : `must be at least ${issue.minimum} characters`;
      if (issue.origin === 'array') return `needs at least ${issue.minimum} entries`;
      return `must be at least ${issue.minimum}`;
    case 'too_big':
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      if (issue.origin === 'array') return `has too many entries (at most ${issue.maximum})`;
      return `must be at most ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    case 'unrecognized_keys':
      return `has unexpected fields: ${issue.keys.join(', ')}`;
    default:
      return issue.message.replace(/^./, (c) => c.toLowerCase());
  }
}

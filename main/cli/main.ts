/**
 * `outbound`: the same core and data directory as the app, for scripts and cron. Calls go through
 * the contract (validated by the same dispatch as the app), so the CLI and the UI cannot disagree.
 *
 * Exit codes follow sysexits(3), as sendmail's do: 0 sent/ok, 1 failed, 64 usage, 65 bad input,
 * 67 unknown account, 75 queued for a later retry (temporary failure), 78 configuration (keychain).
 */
import { readFile } from 'node:fs/promises';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { createApi } from '../api.ts';
import { openCore, type Core } from '../core/index.ts';
import { createDispatch } from '../dispatch.ts';
import { buildApi, SECURITY_MODES, type ApiError, type MessageView, type OutboundApi, type Result, type Security } from '../../preload/contract.ts';

export const EXIT = { ok: 0, failed: 1, usage: 64, dataError: 65, noUser: 67, tempFail: 75, config: 78 } as const;

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
}

class UsageError extends Error {}

const USAGE = `Usage: outbound <command> [options]

  account add --name N --email ADDR --host H --port P --security tls|starttls|none
              [--display-name NAME] [--user U] [--password-command CMD]
              With --user and no --password-command, the password is read from standard input
              and kept in the system keychain. Without --user the account sends without AUTH.
  account list [--json]
  send --account N --to ADDR [--to ADDR…] [--cc ADDR…] [--bcc ADDR…] --subject S (--text T | --text-file F)
              Queues the message, sends it and waits for the server's answer.
  outbox list [--json]
  outbox flush          Attempt every queued message now, ignoring backoff.

Data directory: OUTBOUND_HOME, or the app's own (shared with the desktop app).`;

const COMMANDS: Record<string, { options: NonNullable<ParseArgsConfig['options']>; run: (ctx: Context) => Promise<number> }> = {
  'account add': {
    options: {
      name: { type: 'string' }, email: { type: 'string' }, host: { type: 'string' }, port: { type: 'string' },
      security: { type: 'string' }, 'display-name': { type: 'string' }, user: { type: 'string' }, 'password-command': { type: 'string' },
    },
    run: accountAdd,
  },
  'account list': { options: { json: { type: 'boolean' } }, run: accountList },
  send: {
    options: {
      account: { type: 'string' }, to: { type: 'string', multiple: true }, cc: { type: 'string', multiple: true },
      bcc: { type: 'string', multiple: true }, subject: { type: 'string' }, text: { type: 'string' }, 'text-file': { type: 'string' },
    },
    run: send,
  },
  'outbox list': { options: { json: { type: 'boolean' } }, run: outboxList },
  'outbox flush': { options: {}, run: outboxFlush },
};

interface Context {
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  io: CliIo;
  core: Core;
  api: OutboundApi;
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    io.stdout(USAGE);
    return argv.length === 0 ? EXIT.usage : EXIT.ok;
  }
  const name = COMMANDS[`${argv[0]} ${argv[1]}`] ? `${argv[0]} ${argv[1]}` : argv[0]!;
  const command = COMMANDS[name];
  if (!command) {
    io.stderr(`outbound: unknown command "${argv.slice(0, 2).join(' ')}".\n\n${USAGE}`);
    return EXIT.usage;
  }
  let values: Context['values'];
  try {
    ({ values } = parseArgs({ args: argv.slice(name.split(' ').length), options: command.options, strict: true, allowPositionals: false }));
  } catch (error) {
    io.stderr(`outbound ${name}: ${(error as Error).message}`);
    return EXIT.usage;
  }
  let core: Core | undefined;
  try {
    core = openCore({ autoSend: false });
    const dispatch = createDispatch(createApi(core), io.stderr);
    const api = buildApi({ invoke: (channel, args) => dispatch(channel, args), subscribe: () => () => undefined });
    return await command.run({ values, io, core, api });
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr(`outbound ${name}: ${error.message}`);
      return EXIT.usage;
    }
    throw error;
  } finally {
    await core?.close();
  }
}

// ---------------------------------------------------------------------------------------------

async function accountAdd({ values, io, api }: Context): Promise<number> {
  const port = Number(required(values, 'port'));
  const security = required(values, 'security');
  if (!(SECURITY_MODES as readonly string[]).includes(security)) throw new UsageError(`--security must be one of ${SECURITY_MODES.join(', ')}.`);
  const user = optional(values, 'user');
  const passwordCommand = optional(values, 'password-command');
  const password = user && !passwordCommand ? (await io.readStdin()).replace(/\r?\n$/, '') : undefined;
  if (user && !passwordCommand && !password) throw new UsageError('--user needs a password on standard input, or --password-command.');
  const result = await api.accounts.save({
    name: required(values, 'name'),
    email: required(values, 'email'),
    displayName: optional(values, 'display-name') ?? '',
    host: required(values, 'host'),
    port: Number.isInteger(port) ? port : Number.NaN,
    security: security as Security,
    ...(user ? { username: user } : {}),
    ...(password ? { password } : {}),
    ...(passwordCommand ? { passwordCommand } : {}),
  });
  if (!result.ok) return report(io, result.error);
  const a = result.value;
  io.stdout(`Added account "${a.name}" (id ${a.id}): ${a.email} via ${a.host}:${a.port} (${a.security}, ${authLabel(a.secretSource)}).`);
  return EXIT.ok;
}

async function accountList({ values, io, api }: Context): Promise<number> {
  const accounts = unwrap(io, await api.accounts.list());
  if (!accounts) return EXIT.failed;
  if (values.json) {
    io.stdout(JSON.stringify(accounts, null, 2));
  } else if (accounts.length === 0) {
    io.stdout('No accounts. Add one with `outbound account add`.');
  } else {
    for (const a of accounts) io.stdout(`${a.name}\t${a.email}\t${a.host}:${a.port}\t${a.security}\t${authLabel(a.secretSource)}`);
  }
  return EXIT.ok;
}

async function send({ values, io, core, api }: Context): Promise<number> {
  const text = optional(values, 'text');
  const textFile = optional(values, 'text-file');
  if ((text === undefined) === (textFile === undefined)) throw new UsageError('give the body with exactly one of --text or --text-file.');
  const accountName = required(values, 'account');
  let account;
  try {
    account = core.accounts.find(accountName);
  } catch (error) {
    return report(io, { code: 'not_found', message: (error as Error).message });
  }
  let body = text;
  if (textFile !== undefined) {
    try {
      body = await readFile(textFile, 'utf8');
    } catch (error) {
      return report(io, { code: 'invalid_input', message: `Cannot read --text-file "${textFile}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.` });
    }
  }
  const queued = await api.outbox.send({
    accountId: account.id,
    to: list(values.to), cc: list(values.cc), bcc: list(values.bcc),
    subject: required(values, 'subject'),
    text: body ?? '',
  });
  if (!queued.ok) return report(io, queued.error);
  io.stdout(`Message-ID: ${queued.value.messageId}`);
  const outcome = await core.sender.sendNow(queued.value.id);
  return reportOutcome(io, outcome);
}

async function outboxList({ values, io, core }: Context): Promise<number> {
  const messages = [...core.outbox.list('outbox'), ...core.outbox.list('sent', 50)];
  if (values.json) {
    io.stdout(JSON.stringify(messages, null, 2));
    return EXIT.ok;
  }
  if (messages.length === 0) io.stdout('The outbox is empty.');
  for (const m of messages) {
    const who = m.recipients.map((r) => `${r.address}${r.state === 'accepted' || r.state === 'pending' ? '' : ` (${r.state})`}`).join(', ');
    io.stdout(`${m.id}\t${m.state}\t${m.subject || '(no subject)'}\t${who}\tattempts ${m.attempts}\t${m.lastError ?? m.lastReply ?? ''}`);
  }
  return EXIT.ok;
}

async function outboxFlush({ io, core }: Context): Promise<number> {
  const before = new Set(core.outbox.list('outbox').filter((m) => m.state === 'queued').map((m) => m.id));
  await core.sender.flush();
  const outcomes = [...before].map((id) => core.outbox.view(id));
  if (outcomes.length === 0) io.stdout('Nothing queued.');
  let worst: number = EXIT.ok;
  for (const m of outcomes) {
    const code = reportOutcome(io, m, `${m.id} ${m.messageId}: `);
    if (code !== EXIT.ok && worst !== EXIT.failed) worst = code;
  }
  return worst;
}

// ---------------------------------------------------------------------------------------------

function reportOutcome(io: CliIo, m: MessageView, prefix = ''): number {
  switch (m.state) {
    case 'sent':
      io.stdout(`${prefix}Sent: ${m.lastReply ?? ''}${m.lastError ? `\n${prefix}${m.lastError}` : ''}`);
      return EXIT.ok;
    case 'queued':
      io.stderr(`${prefix}Still queued, will retry${m.notBefore ? ` after ${m.notBefore}` : ''}: ${m.lastError ?? ''} (message ${m.id} stays in the outbox)`);
      return EXIT.tempFail;
    case 'sending':
      io.stderr(`${prefix}Another Outbound process is sending message ${m.id} right now.`);
      return EXIT.tempFail;
    default:
      io.stderr(`${prefix}${m.state === 'failed' ? 'Failed' : m.state === 'uncertain' ? 'Uncertain' : 'Cancelled'}: ${m.lastError ?? m.lastReply ?? ''}`);
      return EXIT.failed;
  }
}

const EXIT_OF_ERROR: Partial<Record<ApiError['code'], number>> = {
  invalid_input: EXIT.dataError, not_found: EXIT.noUser, conflict: EXIT.dataError,
  keychain_unavailable: EXIT.config, password_command_failed: EXIT.config,
};

function report(io: CliIo, error: ApiError): number {
  io.stderr(`outbound: ${error.message}${error.reply ? ` (server: ${error.reply})` : ''}`);
  return EXIT_OF_ERROR[error.code] ?? EXIT.failed;
}

function unwrap<T>(io: CliIo, result: Result<T>): T | undefined {
  if (result.ok) return result.value;
  report(io, result.error);
  return undefined;
}

function required(values: Context['values'], name: string): string {
  const value = values[name];
  if (typeof value !== 'string') throw new UsageError(`--${name} is required.`);
  return value;
}

const optional = (values: Context['values'], name: string): string | undefined => {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
};

const list = (value: Context['values'][string]): string[] => (Array.isArray(value) ? value.map(String) : []);

const authLabel = (source: string): string => ({ none: 'no AUTH', keychain: 'password in keychain', command: 'password command' })[source] ?? source;

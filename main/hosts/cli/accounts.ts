/** `outbound account …` */
import { IMAP_SECURITY_MODES, OAUTH_PROVIDERS, SECURITY_MODES, SENT_COPY_MODES } from '../../../preload/common/contract/choices.ts';
import type {
  AccountInput,
  AccountView,
  ConnectionTestView,
  ImapInput,
  OAuthProvider,
  OAuthProviderView,
  Result,
  Security,
} from '../../../preload/common/contract/index.ts';
import { testPassed } from '../../../preload/common/contract/verdict.ts';
import { deliveryReportOption, EXIT, UsageError, optional, report, required, unwrap, type Command, type Context } from './common.ts';
import { addTestInbox } from './test-inbox.ts';

/** The options add and edit share: everything about an account that a flag can say. */
const SETTINGS_OPTIONS = {
  name: { type: 'string' },
  email: { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  security: { type: 'string' },
  'display-name': { type: 'string' },
  user: { type: 'string' },
  'password-command': { type: 'string' },
  'tls-fingerprint': { type: 'string' },
  'reply-to': { type: 'string' },
  signature: { type: 'string' },
  dsn: { type: 'string' },
  'dsn-return': { type: 'string' },
  default: { type: 'boolean' },
  'imap-host': { type: 'string' },
  'imap-port': { type: 'string' },
  'imap-security': { type: 'string' },
  'imap-user': { type: 'string' },
  'imap-tls-fingerprint': { type: 'string' },
  'sent-folder': { type: 'string' },
  'sent-copy': { type: 'string' },
} as const;

const SETTINGS_USAGE = `[--display-name NAME] [--user U] [--password-command CMD] [--tls-fingerprint SHA256]
              [--reply-to ADDR] [--signature TEXT] [--dsn none|never|success,failure,delay [--dsn-return full|hdrs]] [--default]
              [--imap-host H [--imap-port P] [--imap-security tls|starttls] [--imap-user U] [--imap-tls-fingerprint SHA256]
              [--sent-folder NAME]] [--sent-copy auto|always|never]`;

/** One of a flag's closed choices, or undefined when it is not given. */
function choice<T extends string>(values: Context['values'], name: string, choices: readonly T[]): T | undefined {
  const given = optional(values, name);
  if (given === undefined) return undefined;
  if (!(choices as readonly string[]).includes(given)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}.`);
  return given as T;
}

/**
 * The IMAP server the flags say, over the account's (edit); undefined when no IMAP flag is given.
 * The port follows the security unless given: 993 for TLS, 143 for STARTTLS.
 */
function imapOf(values: Context['values'], base: AccountView['imap'] = null): ImapInput | undefined {
  const host = optional(values, 'imap-host') ?? base?.host;
  const given = ['imap-host', 'imap-port', 'imap-security', 'imap-user', 'imap-tls-fingerprint', 'sent-folder'].some((n) => optional(values, n) !== undefined);
  if (!given) return undefined;
  if (!host) throw new UsageError('--imap-port, --imap-security, --imap-user, --imap-tls-fingerprint and --sent-folder need --imap-host.');
  const security = choice(values, 'imap-security', IMAP_SECURITY_MODES) ?? base?.security ?? 'tls';
  const portGiven = optional(values, 'imap-port');
  const port = portGiven === undefined ? (base?.port ?? (security === 'tls' ? 993 : 143)) : Number(portGiven);
  const keep = (flag: string, stored: string | null | undefined) => optional(values, flag) ?? stored ?? undefined;
  return {
    host,
    port: Number.isInteger(port) ? port : Number.NaN,
    security,
    username: keep('imap-user', base?.username),
    ...(optional(values, 'imap-tls-fingerprint') === undefined ? {} : { tlsFingerprint: optional(values, 'imap-tls-fingerprint') }),
    sentFolder: keep('sent-folder', base?.sentFolder),
  };
}

const security = (values: Context['values']): Security | undefined => choice(values, 'security', SECURITY_MODES);
const oauthProvider = (values: Context['values']): OAuthProvider | undefined => choice(values, 'oauth', OAUTH_PROVIDERS);

function port(values: Context['values']): number | undefined {
  const given = optional(values, 'port');
  if (given === undefined) return undefined;
  const n = Number(given);
  return Number.isInteger(n) ? n : Number.NaN;
}

/** The password for --user: standard input (into the keychain) unless a password command gives it. */
async function secret({ values, io }: Context, required: boolean): Promise<Pick<AccountInput, 'password' | 'passwordCommand'>> {
  const passwordCommand = optional(values, 'password-command');
  if (passwordCommand !== undefined) return { passwordCommand };
  if (!optional(values, 'user')) return {};
  const password = (await io.readStdin()).replace(/\r?\n$/, '');
  if (!password && required) throw new UsageError('--user needs a password on standard input, or --password-command.');
  return password ? { password } : {};
}

/** What the flags say, over `base` (the discovered settings, or the account being edited). */
function settingsOf(values: Context['values'], base: Partial<AccountInput>, imapBase: AccountView['imap'] = null): Partial<AccountInput> {
  const given: Partial<AccountInput> = {
    name: optional(values, 'name'),
    email: optional(values, 'email'),
    displayName: optional(values, 'display-name'),
    host: optional(values, 'host'),
    port: port(values),
    security: security(values),
    username: optional(values, 'user'),
    tlsFingerprint: optional(values, 'tls-fingerprint'),
    replyTo: optional(values, 'reply-to'),
    signature: optional(values, 'signature'),
    // The delivery report each message asks for by default; `none` asks for none.
    deliveryReport: optional(values, 'dsn') === 'none' ? null : deliveryReportOption('--dsn', optional(values, 'dsn'), optional(values, 'dsn-return')),
    ...(values.default ? { isDefault: true } : {}),
    imap: values['no-imap'] ? null : imapOf(values, imapBase),
    sentCopy: choice(values, 'sent-copy', SENT_COPY_MODES),
  };
  return { ...base, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
}

async function accountAdd(ctx: Context): Promise<number> {
  const { values, io, api } = ctx;
  if (values['test-inbox']) return addTestInbox(ctx);
  const providers = unwrap(io, await api.accounts.providers());
  if (!providers) return EXIT.failed;
  const provider = oauthProvider(values);
  const preset = providers.find((p) => p.provider === provider);
  let base: Partial<AccountInput> = {};
  if (preset && !values.autoconfig && optional(values, 'host') === undefined) {
    base = { host: preset.host, port: preset.port, security: preset.security };
  } else if (values.autoconfig) {
    const found = unwrap(io, await api.accounts.discover(required(values, 'email')));
    if (!found) return EXIT.failed;
    io.stdout(`Found ${found.host}:${found.port} (${found.security}) via ${found.source}: ${found.from}.`);
    if (found.username && !optional(values, 'user')) io.stdout(`The provider expects the username ${found.username}: add --user ${found.username} to sign in.`);
    base = { host: found.host, port: found.port, security: found.security };
    if (found.imap && (optional(values, 'user') || provider)) {
      io.stdout(`Found the IMAP server ${found.imap.host}:${found.imap.port} (${found.imap.security}) via ${found.imap.from}: sent mail gets a copy in Sent.`);
      base.imap = { host: found.imap.host, port: found.imap.port, security: found.imap.security };
    } else if (found.imap) io.stdout(`Found the IMAP server ${found.imap.host}:${found.imap.port} too: with --user, sent mail gets a copy in Sent there.`);
  } else {
    for (const name of ['host', 'port', 'security']) required(values, name);
  }
  if (security(values) === 'none') io.stderr('outbound: warning: this account sends without encryption: anyone on the network can read and change its mail.');
  if (preset && values.test) throw new UsageError('--test cannot test a sign-in before it happens: add the account with --oauth, then run `account test`.');
  const result = preset ? await signIn(ctx, preset, base) : await addWithPassword(ctx, base);
  if (result === 'test failed') return EXIT.failed;
  if (!result.ok) return report(io, result.error);
  io.stdout(`Added account "${result.value.name}" (id ${result.value.id}): ${describe(result.value, providers)}.`);
  return EXIT.ok;
}

/** An account that signs in with a password (or not at all); with --test, only once its settings pass the connection test. */
async function addWithPassword(ctx: Context, base: Partial<AccountInput>): Promise<Result<AccountView> | 'test failed'> {
  const { values, io, api } = ctx;
  const input = { displayName: '', ...settingsOf(values, base), ...(await secret(ctx, true)), name: required(values, 'name') } as AccountInput;
  if (values.test) {
    const tested = await api.accounts.testSettings(input);
    if (!tested.ok) return tested;
    printTest(io.stdout, tested.value, Boolean(values.transcript));
    if (!testPassed(tested.value)) {
      io.stderr('outbound: the test did not pass, so the account was not added; without --test it is added all the same.');
      return 'test failed';
    }
  }
  return api.accounts.save(input);
}

/** `--oauth`: the sign-in URL is printed (core's openExternal in cli/main.ts); this waits for the loopback redirect. */
async function signIn({ values, io, api }: Context, { provider, name }: OAuthProviderView, base: Partial<AccountInput>) {
  const clientSecret = values['client-secret-stdin'] ? (await io.readStdin()).replace(/\r?\n$/, '') : undefined;
  io.stdout(`Signing in with ${name}.`);
  return api.accounts.signIn({
    provider,
    ...(optional(values, 'client-id') === undefined ? {} : { clientId: optional(values, 'client-id') }),
    ...(clientSecret ? { clientSecret } : {}),
    account: { displayName: '', ...settingsOf(values, base), name: required(values, 'name') } as AccountInput,
  });
}

async function accountEdit(ctx: Context): Promise<number> {
  const { io, api } = ctx;
  const account = await find(ctx);
  if (!account) return EXIT.noUser;
  const providers = unwrap(io, await api.accounts.providers());
  if (!providers) return EXIT.failed;
  const result = onlyOwnMethods(ctx.values) ? await changeOnly(ctx, account) : await saveEdit(ctx, account);
  if (!result.ok) return report(io, result.error);
  io.stdout(`Saved account "${result.value.name}" (id ${result.value.id}): ${describe(result.value, providers)}.`);
  return EXIT.ok;
}

/** Only --default and a --tls-fingerprint to pin: each has a method of its own, which changes that alone. */
function onlyOwnMethods(values: Context['values']): boolean {
  const given = Object.keys(values);
  return given.length > 0 && given.every((name) => name === 'default' || (name === 'tls-fingerprint' && Boolean(optional(values, name)?.trim())));
}

/** Leaves everything else as it is now, rather than as this command read it: another window may be changing the account. */
async function changeOnly({ values, api }: Context, account: AccountView): Promise<Result<AccountView>> {
  const fingerprint = optional(values, 'tls-fingerprint');
  const pinned = fingerprint === undefined ? { ok: true as const, value: account } : await api.accounts.trustCertificate(account.id, fingerprint);
  return pinned.ok && values.default ? api.accounts.makeDefault(account.id) : pinned;
}

/** The flags over the account's stored settings, saved as a whole. */
async function saveEdit(ctx: Context, account: AccountView): Promise<Result<AccountView>> {
  const { values, api } = ctx;
  const current: AccountInput = {
    id: account.id,
    name: account.name,
    email: account.email,
    displayName: account.displayName,
    host: account.host,
    port: account.port,
    security: account.security,
    username: account.username ?? '',
    passwordCommand: account.passwordCommand ?? '',
    replyTo: account.replyTo ?? '',
    signature: account.signature,
  };
  const changes = settingsOf(values, current, account.imap);
  if (values['no-pin']) changes.tlsFingerprint = '';
  const newSecret = await secret(ctx, false);
  // A new password replaces the account's password command (and the other way round).
  return api.accounts.save({ ...changes, ...(newSecret.password ? { passwordCommand: '' } : {}), ...newSecret } as AccountInput);
}

async function accountRemove(ctx: Context): Promise<number> {
  const { values, io, api } = ctx;
  const account = await find(ctx);
  if (!account) return EXIT.noUser;
  const queued = optional(values, 'queued');
  if (queued !== undefined && queued !== 'cancel' && queued !== 'move') throw new UsageError('--queued must be cancel or move.');
  let toAccountId: number | undefined;
  if (queued === 'move') {
    const target = await find(ctx, required(values, 'to'));
    if (!target) return EXIT.noUser;
    toAccountId = target.id;
  }
  const result = await api.accounts.remove(account.id, { queued: queued ?? 'refuse', ...(toAccountId ? { toAccountId } : {}) });
  if (!result.ok) {
    const code = report(io, result.error);
    if (result.error.code === 'conflict' && account.waiting > 0) io.stderr('Use --queued cancel, or --queued move --to ACCOUNT.');
    return code;
  }
  io.stdout(`Removed account "${account.name}".`);
  return EXIT.ok;
}

async function accountList({ values, io, api }: Context): Promise<number> {
  const accounts = unwrap(io, await api.accounts.list());
  if (!accounts) return EXIT.failed;
  const providers = unwrap(io, await api.accounts.providers());
  if (!providers) return EXIT.failed;
  if (values.json) {
    io.stdout(JSON.stringify(accounts, null, 2));
  } else if (accounts.length === 0) {
    io.stdout('No accounts. Add one with `outbound account add`.');
  } else {
    for (const a of accounts) {
      io.stdout(
        [
          a.id,
          `${a.name}${a.isDefault ? ' (default)' : ''}`,
          a.email,
          `${a.host}:${a.port}`,
          a.security,
          authLabel(a, providers),
          ...(a.tlsFingerprint ? [`pinned ${a.tlsFingerprint}`] : []),
        ].join('\t'),
      );
    }
  }
  return EXIT.ok;
}

async function accountTest(ctx: Context): Promise<number> {
  const { values, io, api } = ctx;
  const account = await find(ctx);
  if (!account) return EXIT.noUser;
  const result = unwrap(io, await api.accounts.test(account.id));
  if (!result) return EXIT.failed;
  if (values.json) io.stdout(JSON.stringify(result, null, 2));
  else printTest(io.stdout, result, Boolean(values.transcript));
  return testPassed(result) ? EXIT.ok : EXIT.failed;
}

function printTest(out: (line: string) => void, result: ConnectionTestView, transcript: boolean): void {
  out(result.verdict);
  out(`Reply code: ${result.code ?? 'none (the server said nothing)'}${result.reply ? ` — ${result.reply}` : ''}`);
  const c = result.capabilities;
  if (c) {
    const flags = [c.starttls && 'STARTTLS', c.pipelining && 'PIPELINING', c.eightBitMime && '8BITMIME', c.smtpUtf8 && 'SMTPUTF8', c.dsn && 'DSN'].filter(
      Boolean,
    );
    out(`Server offers: ${[...flags, `AUTH ${c.auth.join(' ') || '(none)'}`, `SIZE ${c.size ?? '(no limit given)'}`].join(', ')}`);
  }
  if (result.certificate) {
    const cert = result.certificate;
    out(`Certificate: ${cert.subject} for ${cert.names.join(', ') || '(no names)'}, issued by ${cert.issuer}, valid until ${cert.validTo.slice(0, 10)}`);
    out(`SHA-256 fingerprint: ${cert.fingerprint}`);
  }
  if (transcript) out(`\n${result.transcript}`);
  const imap = result.imap;
  if (!imap) return;
  out(`\nIMAP: ${imap.verdict}`);
  if (imap.capabilities.length) out(`IMAP server offers: ${imap.capabilities.join(' ')}`);
  if (imap.certificate) out(`IMAP certificate SHA-256 fingerprint: ${imap.certificate.fingerprint}`);
  if (transcript) out(`\n${imap.transcript}`);
}

/** The account named by the operand (or `nameOrId`), or undefined after saying there is none. */
async function find({ positionals, io, api }: Context, nameOrId = positionals[0] ?? ''): Promise<AccountView | undefined> {
  return unwrap(io, await api.accounts.find(nameOrId));
}

/** `providers` (accounts.providers) name the one an OAuth2 account signs in with. */
const describe = (a: AccountView, providers: readonly OAuthProviderView[]): string =>
  `${a.email} via ${a.host}:${a.port} (${a.security}, ${authLabel(a, providers)}${a.tlsFingerprint ? ', certificate pinned' : ''})${
    a.imap ? `, copies in Sent via ${a.imap.host}:${a.imap.port} (${a.imap.security}, ${a.sentCopy})` : ''
  }`;

function authLabel(a: AccountView, providers: readonly OAuthProviderView[]): string {
  if (!a.oauth) return { none: 'no AUTH', keychain: 'password in keychain', command: 'password command' }[a.secretSource];
  const { provider } = a.oauth;
  return `signs in with ${providers.find((p) => p.provider === provider)?.name ?? provider}`;
}

export const accountCommands: Record<string, Command> = {
  'account add': {
    usage: `--name N --email ADDR (--host H --port P --security tls|starttls|none | --autoconfig)
              ${SETTINGS_USAGE} [--oauth google|microsoft [--client-id ID] [--client-secret-stdin]]
              --autoconfig finds the server from the address (presets, autoconfig, SRV, guesses).
              With --user and no --password-command, the password is read from standard input
              and kept in the system keychain. Without --user the account sends without AUTH.
              --tls-fingerprint pins the server's certificate (openssl x509 -fingerprint -sha256).
              --imap-host puts a copy of each sent message in the IMAP Sent folder (same login and
              password; --imap-user sets the login apart). On the SMTP host the pin applies to IMAP
              too; elsewhere --imap-tls-fingerprint pins IMAP's own. --sent-copy auto (default)
              skips the copy where the server files sent mail itself; never keeps none.
              --oauth signs in with Google or Microsoft 365 instead of a password (their server
              unless --host or --autoconfig says otherwise): it prints the sign-in address, waits
              until you finished in the browser, and keeps the refresh token in the keychain.
              --client-id names your OAuth app; --client-secret-stdin reads its secret, where
              the provider demands one, from standard input.
              --test [--transcript] tests the settings first (as account test does) and adds the
              account only when the test passes; exit 1 otherwise, with nothing saved.
              --test-inbox [--name N] instead adds Outbound's own test inbox: a server on 127.0.0.1
              that keeps whatever it is sent, relaying nothing (see test-inbox list).`,
    options: {
      ...SETTINGS_OPTIONS,
      test: { type: 'boolean' },
      transcript: { type: 'boolean' },
      'test-inbox': { type: 'boolean' },
      autoconfig: { type: 'boolean' },
      oauth: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret-stdin': { type: 'boolean' },
    },
    run: accountAdd,
  },
  'account edit': {
    usage: `ACCOUNT [--name N] [--email ADDR] [--host H] [--port P] [--security S] ${SETTINGS_USAGE} [--no-pin] [--no-imap]
              With --user and no --password-command, a new password is read from standard input
              (empty: keep the stored one). --default and --tls-fingerprint given alone change
              only that, whatever else another window changes meanwhile.`,
    options: { ...SETTINGS_OPTIONS, 'no-pin': { type: 'boolean' }, 'no-imap': { type: 'boolean' } },
    operands: 1,
    run: accountEdit,
  },
  'account remove': {
    usage: `ACCOUNT [--queued cancel | --queued move --to OTHER]
              Refused while the account has unsent mail, unless told what to do with it.`,
    options: { queued: { type: 'string' }, to: { type: 'string' } },
    operands: 1,
    run: accountRemove,
  },
  'account list': { usage: '[--json]', options: { json: { type: 'boolean' } }, run: accountList },
  'account test': {
    usage: `ACCOUNT [--transcript] [--json]
              Connects, signs in and says in plain words what works, for SMTP and (when the
              account has it) IMAP; exits 1 on any failure.`,
    options: { transcript: { type: 'boolean' }, json: { type: 'boolean' } },
    operands: 1,
    run: accountTest,
  },
};

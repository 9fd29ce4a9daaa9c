/**
 * THE contract between the renderer and the main process: the only place where the API's methods,
 * their argument schemas, their result types and the events are defined.
 *
 * - main/dispatch.ts validates every call against `contract` and wraps results in `Result`.
 * - preload/index.ts (Electron) and preload/browser.ts (loopback browser host) build the renderer's
 *   `window.outbound` from the same table with `buildApi`, so the three transports cannot drift.
 * - The renderer only ever does `import type` from here.
 *
 * No Electron and no Node APIs in this file: it is loaded in the sandboxed preload and in Chromium.
 */
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Values that cross the bridge
// ---------------------------------------------------------------------------------------------

export const SECURITY_MODES = ['tls', 'starttls', 'none'] as const;
export type Security = (typeof SECURITY_MODES)[number];

export const MESSAGE_STATES = ['queued', 'sending', 'sent', 'failed', 'uncertain', 'cancelled'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

export const RECIPIENT_STATES = ['pending', 'accepted', 'deferred', 'rejected'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/** How far an SMTP attempt got; recorded for every attempt. */
export const SMTP_STAGES = ['connect', 'greeting', 'ehlo', 'starttls', 'auth', 'mail', 'rcpt', 'data', 'body', 'final'] as const;
export type SmtpStage = (typeof SMTP_STAGES)[number];

/** What the renderer may know about an account: never a password. */
export interface AccountView {
  id: number;
  name: string;
  email: string;
  displayName: string;
  host: string;
  port: number;
  security: Security;
  /** null: the account sends without AUTH. */
  username: string | null;
  /** Where the password comes from when there is a username. */
  secretSource: 'none' | 'keychain' | 'command';
  passwordCommand: string | null;
  /** Why this account's queue is paused (e.g. the server rejected the password), until it is saved again. */
  pausedReason: string | null;
  /** Providers cap both: at most this many messages a minute and connections at once. */
  maxPerMinute: number;
  maxConnections: number;
  /** Give up on a message deferred (4xx, offline) for longer than this. */
  retryDays: number;
  /** The pinned certificate's SHA-256 fingerprint: then only that certificate is trusted for this server. */
  tlsFingerprint: string | null;
  /** The account the composer starts with; exactly one account is the default. */
  isDefault: boolean;
  replyTo: string | null;
  signature: string;
  /** From aliases besides the account's own address. */
  identities: IdentityView[];
  /** Messages still in the outbox (queued, sending, failed, uncertain): removing the account must say what happens to them. */
  waiting: number;
  createdAt: string;
}

/** A From alias of an account: its own address, display name, Reply-To and signature. */
export interface IdentityView {
  id: number;
  email: string;
  displayName: string;
  replyTo: string | null;
  signature: string;
}

/** A server certificate as the user is shown it before pinning it. */
export interface CertificateView {
  /** SHA-256, colon hex, as `openssl x509 -fingerprint -sha256` prints it. */
  fingerprint: string;
  subject: string;
  issuer: string;
  /** The names it is valid for (subjectAltName). */
  names: string[];
  validFrom: string;
  validTo: string;
  selfSigned: boolean;
}

/** What the server announced in its (last) EHLO reply. */
export interface SmtpCapabilities {
  /** The largest message it accepts, in bytes; null: not announced or no limit. */
  size: number | null;
  /** Offered STARTTLS (in the EHLO before encryption). */
  starttls: boolean;
  /** SASL mechanisms, e.g. PLAIN, LOGIN, XOAUTH2. */
  auth: string[];
  pipelining: boolean;
  eightBitMime: boolean;
  smtpUtf8: boolean;
  dsn: boolean;
}

/** The result of `accounts.test`: a verdict in plain words, and what it rests on. */
export interface ConnectionTestView {
  ok: boolean;
  verdict: string;
  /** The server's reply code behind the verdict (e.g. 535), or null when the server said nothing. */
  code: number | null;
  reply: string | null;
  stage: SmtpStage;
  capabilities: SmtpCapabilities | null;
  /** The certificate the server presented, when TLS was reached. */
  certificate: CertificateView | null;
  /** Whether that certificate was trusted (by the system's authorities or the pin); false: it is what the user may pin. */
  certificateTrusted: boolean;
  /** The dialogue with every AUTH payload redacted. */
  transcript: string;
}

export const DISCOVERY_SOURCES = ['preset', 'autoconfig', 'srv', 'guess'] as const;
export type DiscoverySource = (typeof DISCOVERY_SOURCES)[number];

/** Server settings found for an address, and where they came from. */
export interface DiscoveryView {
  source: DiscoverySource;
  /** Where exactly, e.g. `https://autoconfig.example.org/mail/config-v1.1.xml` or `_submissions._tcp.example.org`. */
  from: string;
  host: string;
  port: number;
  security: Security;
  /** The login the provider expects (often the address itself); null: no sign-in. */
  username: string | null;
  /** Every source tried, in order, with what it gave. */
  tried: { source: DiscoverySource; from: string; result: string }[];
}

export interface RecipientView {
  address: string;
  kind: 'to' | 'cc' | 'bcc';
  state: RecipientState;
  /** The server's reply to this recipient's RCPT TO (or to the message, once accepted). */
  reply: string | null;
}

export interface MessageView {
  id: number;
  /** null once the account was removed (its Sent history stays). */
  accountId: number | null;
  accountName: string;
  /** RFC 5322 Message-ID, with angle brackets; fixed at enqueue. */
  messageId: string;
  from: string;
  subject: string;
  state: MessageState;
  /** Why a queued message waits on purpose: the undo window or a scheduled time (null: backoff or due). */
  hold: Hold | null;
  recipients: RecipientView[];
  createdAt: string;
  /** Earliest time the next attempt may start (undo window, schedule, backoff). */
  notBefore: string | null;
  sentAt: string | null;
  attempts: number;
  /** The server's last reply, e.g. `250 2.0.0 Ok: queued as 4Xk…`. */
  lastReply: string | null;
  lastStage: SmtpStage | null;
  /** A sentence a person can act on, when the last attempt did not succeed. */
  lastError: string | null;
  size: number;
}

export const HOLDS = ['undo', 'scheduled'] as const;
export type Hold = (typeof HOLDS)[number];

export interface OutboxChange {
  id: number;
  state: MessageState;
}

export interface Connectivity {
  /** Whether the last look at the network found it up. */
  online: boolean;
}

/** What the composer needs to take a message back (undo send, edit from the outbox). */
export interface DraftView {
  accountId: number;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
}

export interface Settings {
  /** Seconds during which Send can be undone (0–30). */
  undoSeconds: number;
}

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

// ---------------------------------------------------------------------------------------------
// Argument schemas: the boundary checks shared by every transport
// ---------------------------------------------------------------------------------------------

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const line = (max: number) => z.string().max(max).refine((s) => !/[\r\n]/.test(s), 'must be a single line (no line breaks)');
const recipientList = z.array(z.string().max(4096)).max(1000);

export const IdentityInput = z.object({
  id: id.optional(),
  email: line(254).transform((s) => s.trim()).pipe(z.string().min(1)),
  displayName: line(128).default(''),
  replyTo: line(998).optional(),
  signature: z.string().max(10_000).default(''),
});
export type IdentityInput = z.input<typeof IdentityInput>;

/** What happens to an account's unsent mail when it is removed: refused while there is some, unless told. */
export const RemoveAccountOptions = z.object({
  queued: z.enum(['refuse', 'cancel', 'move']).default('refuse'),
  /** With `move`: the account that sends them instead. */
  toAccountId: id.optional(),
});
export type RemoveAccountOptions = z.input<typeof RemoveAccountOptions>;

export const AccountInput = z.object({
  /** Present when editing an existing account. */
  id: id.optional(),
  name: line(64).transform((s) => s.trim()).pipe(z.string().min(1)),
  email: line(254).transform((s) => s.trim()).pipe(z.string().min(1)),
  displayName: line(128).default(''),
  host: line(253).transform((s) => s.trim()).pipe(z.string().min(1)),
  port: z.number().int().min(1).max(65535),
  security: z.enum(SECURITY_MODES),
  /** Empty or absent: no AUTH. */
  username: line(256).optional(),
  /** Write-only: stored in the OS keychain. On edit, absent keeps the stored one. */
  password: z.string().max(4096).optional(),
  /** msmtp-style passwordeval: the command's stdout is the password. */
  passwordCommand: line(4096).optional(),
  /** Pin the server's certificate (openssl's colon-hex SHA-256); empty removes the pin. */
  tlsFingerprint: line(200).optional(),
  isDefault: z.boolean().optional(),
  replyTo: line(998).optional(),
  signature: z.string().max(10_000).default(''),
  /** The full list of From aliases: ones with an id are kept (and updated), the others added, the rest removed. */
  identities: z.array(IdentityInput).max(100).optional(),
  maxPerMinute: z.number().int().min(1).max(100_000).default(30),
  maxConnections: z.number().int().min(1).max(20).default(2),
  retryDays: z.number().min(0.01).max(30).default(5),
});
export type AccountInput = z.input<typeof AccountInput>;

export const ComposeInput = z.object({
  accountId: id,
  /** Each entry is one address or a comma-separated list as a person types it. */
  to: recipientList.default([]),
  cc: recipientList.default([]),
  bcc: recipientList.default([]),
  subject: line(998).default(''),
  text: z.string().max(20_000_000).default(''),
  /** Scheduled send: not before this time (ISO 8601 with offset). */
  sendAt: z.iso.datetime({ offset: true }).optional(),
  /** The undo window for this message; default: the undo setting. */
  delaySeconds: z.number().int().min(0).max(30).optional(),
});
export type ComposeInput = z.input<typeof ComposeInput>;

export const SettingsInput = z.object({
  undoSeconds: z.number().int().min(0).max(30).optional(),
});

// ---------------------------------------------------------------------------------------------
// The method table
// ---------------------------------------------------------------------------------------------

/** A method: its argument tuple schema, and (as a phantom type) what it resolves to. */
interface Method<A extends z.ZodTuple, R> {
  args: A;
  /** Never read at run time; carries the result type. */
  result?: R;
}
const method = <A extends z.ZodTuple>(args: A) => ({ returns: <R>(): Method<A, R> => ({ args }) });

export const contract = {
  accounts: {
    list: method(z.tuple([])).returns<AccountView[]>(),
    save: method(z.tuple([AccountInput])).returns<AccountView>(),
    remove: method(z.tuple([id, RemoveAccountOptions.optional()])).returns<null>(),
    /** The connection test: connect, EHLO, STARTTLS, AUTH, NOOP, RSET, QUIT, with the account's own settings. */
    test: method(z.tuple([id])).returns<ConnectionTestView>(),
    /** Find the server settings for an address: presets, autoconfig XML, SRV records, then guesses confirmed by EHLO. */
    discover: method(z.tuple([line(254).transform((s) => s.trim()).pipe(z.string().min(3))])).returns<DiscoveryView>(),
  },
  outbox: {
    /** Freeze the message durably, queue it and start sending; resolves once it is on disk. */
    send: method(z.tuple([ComposeInput])).returns<MessageView>(),
    /** Everything not yet sent: queued, sending, failed, uncertain. */
    list: method(z.tuple([])).returns<MessageView[]>(),
    cancel: method(z.tuple([id])).returns<MessageView>(),
    /** Try a queued or failed message now, ignoring its backoff. */
    retry: method(z.tuple([id])).returns<MessageView>(),
    /** Undo send / edit: take a queued or failed message out of the outbox, back into the composer. */
    takeBack: method(z.tuple([id])).returns<DraftView>(),
    /** An uncertain message: the user decided it did not arrive; send the same bytes again. */
    resend: method(z.tuple([id])).returns<MessageView>(),
    /** An uncertain message: the user decided it arrived. */
    markSent: method(z.tuple([id])).returns<MessageView>(),
    connectivity: method(z.tuple([])).returns<Connectivity>(),
  },
  sent: {
    list: method(z.tuple([])).returns<MessageView[]>(),
  },
  settings: {
    get: method(z.tuple([])).returns<Settings>(),
    save: method(z.tuple([SettingsInput])).returns<Settings>(),
  },
} as const;

/** Events main pushes to the renderer; the value is the payload's type (phantom). */
export const events = {
  outboxChanged: undefined as unknown as OutboxChange,
  connectivityChanged: undefined as unknown as Connectivity,
} as const;

// ---------------------------------------------------------------------------------------------
// Types derived from the table
// ---------------------------------------------------------------------------------------------

export type Contract = typeof contract;
export type Room = keyof Contract;
export type MethodName<R extends Room> = keyof Contract[R] & string;
type MethodOf<R extends Room, M extends MethodName<R>> = Contract[R][M] extends Method<infer A, infer Res>
  ? { args: A; result: Res }
  : never;
/** What the caller passes (before defaults and transforms). */
export type ArgsIn<R extends Room, M extends MethodName<R>> = z.input<MethodOf<R, M>['args']>;
/** What the implementation receives (validated, defaults applied). */
export type ArgsOut<R extends Room, M extends MethodName<R>> = z.output<MethodOf<R, M>['args']>;
export type ResultOf<R extends Room, M extends MethodName<R>> = MethodOf<R, M>['result'];

export type EventName = keyof typeof events & string;
export type EventPayload<E extends EventName> = (typeof events)[E];
type Subscriber<E extends EventName> = `on${Capitalize<E>}`;

/** `window.outbound` as the renderer sees it. */
export type OutboundApi = {
  [R in Room]: { [M in MethodName<R>]: (...args: ArgsIn<R, M>) => Promise<Result<ResultOf<R, M>>> };
} & {
  [E in EventName as Subscriber<E>]: (listener: (payload: EventPayload<E>) => void) => () => void;
};

/** What main implements once: validated arguments in; a value out, or a thrown AppError. */
export type ApiImplementation = {
  [R in Room]: { [M in MethodName<R>]: (...args: ArgsOut<R, M>) => Promise<ResultOf<R, M>> | ResultOf<R, M> };
};

// ---------------------------------------------------------------------------------------------
// Channel names and the transport-agnostic builder
// ---------------------------------------------------------------------------------------------

export const channelOf = (room: string, name: string): string => `${room}.${name}`;
export const eventChannelOf = (name: string): string => `event.${name}`;

/** Every method channel, e.g. `accounts.save`. */
export const methodChannels: readonly string[] = Object.entries(contract).flatMap(([room, methods]) =>
  Object.keys(methods).map((name) => channelOf(room, name)),
);

/** Resolve a channel to its argument schema; undefined for anything not in the table. */
export function argsSchemaOf(channel: string): z.ZodTuple | undefined {
  const [room, name, ...rest] = channel.split('.');
  if (rest.length > 0 || room === undefined || name === undefined) return undefined;
  if (!Object.hasOwn(contract, room)) return undefined;
  const methods = contract[room as Room] as Record<string, Method<z.ZodTuple, unknown>>;
  return Object.hasOwn(methods, name) ? methods[name]?.args : undefined;
}

export interface Transport {
  invoke(channel: string, args: unknown[]): Promise<unknown>;
  subscribe(channel: string, listener: (payload: unknown) => void): () => void;
}

/** Build `window.outbound` over a transport: named functions only, events stripped to payloads. */
export function buildApi(transport: Transport): OutboundApi {
  const api: Record<string, unknown> = {};
  for (const [room, methods] of Object.entries(contract)) {
    const bound: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
    for (const name of Object.keys(methods)) {
      bound[name] = (...args) => transport.invoke(channelOf(room, name), args);
    }
    api[room] = Object.freeze(bound);
  }
  for (const name of Object.keys(events)) {
    const subscriber = `on${name[0]!.toUpperCase()}${name.slice(1)}`;
    api[subscriber] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError(`${subscriber} needs a function`);
      return transport.subscribe(eventChannelOf(name), listener);
    };
  }
  return Object.freeze(api) as OutboundApi;
}

/**
 * THE contract between the renderer and the main process: the only place where the API's methods,
 * their argument schemas, their result types and the events are defined.
 *
 * - main/hosts/dispatch.ts validates every call against `contract` and wraps results in `Result`.
 * - preload/electron/index.ts (Electron) and preload/browser/bridge.ts (loopback browser host) build the renderer's
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

/** The providers Outbound signs in to with OAuth2 (XOAUTH2) instead of a password. */
export const OAUTH_PROVIDERS = ['google', 'microsoft'] as const;
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

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
  /** Set when the account signs in with OAuth2 (its refresh token is in the keychain, never here). */
  oauth: { provider: OAuthProvider; clientId: string } | null;
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

/** A provider Outbound signs in to with OAuth2, and where its mail goes out (for a person who picks it rather than typing a server). */
export interface OAuthProviderView {
  provider: OAuthProvider;
  /** e.g. "Microsoft 365". */
  name: string;
  host: string;
  port: number;
  security: Security;
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
  /** The provider wants OAuth2 sign-in (Google, Microsoft 365) rather than a password; null: a password. */
  oauth2: OAuthProvider | null;
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

/** One attempt to submit a message: how far it got, what the server said, and the dialogue. */
export interface AttemptView {
  startedAt: string;
  finishedAt: string | null;
  /** The stage the attempt reached. */
  stage: SmtpStage | null;
  /** What the attempt left the message as (`queued`: it will be retried). */
  outcome: MessageState | null;
  reply: string | null;
  error: string | null;
  /** The SMTP dialogue: never the message content, every AUTH payload redacted. */
  transcript: string;
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

/** A file the user attached: `path` is what ComposeInput and DraftInput take back (a picked file, or a staged copy). */
export interface AttachmentView {
  path: string;
  /** The file name the recipient sees (no directories). */
  name: string;
  size: number;
}

/** An image pasted into the rich text, referenced from the HTML as `cid:<cid>`. */
export interface InlineImageView extends AttachmentView {
  cid: string;
}

/** What the composer needs to restore a message (undo send, edit from the outbox, a saved draft). */
export interface DraftView {
  accountId: number;
  /** The From alias; null: the account's own address. */
  identityId: number | null;
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  /** The rich-text body (sanitised); null: plain text only. */
  html: string | null;
  /** An explicit Reply-To; null: the identity's or the account's. */
  replyTo: string | null;
  attachments: AttachmentView[];
  inline: InlineImageView[];
}

/** A draft kept in the database (autosaved by the composer). */
export interface SavedDraftView extends DraftView {
  id: number;
  updatedAt: string;
}

/** What a `mailto:` URL asks for (RFC 6068); the composer picks the account. */
export interface MailtoView {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
}

/**
 * A recipient domain's DNS answer: `ok` has MX (or A/AAAA), `no_mail` exists but takes no mail (null
 * MX, or no MX/A/AAAA), `nxdomain` does not exist, `unknown` could not be told (offline, timeout, DNS
 * refused or failed, or DNS that did not find the sending account's own domain either).
 */
export const DOMAIN_STATUSES = ['ok', 'no_mail', 'nxdomain', 'unknown'] as const;
export type DomainStatus = (typeof DOMAIN_STATUSES)[number];

export interface DomainCheckView {
  domain: string;
  status: DomainStatus;
}

/** The largest message an account's server takes: its EHLO SIZE when known, else a default for the attachments. */
export interface SizeLimitView {
  /** `server`: the SIZE of the whole encoded message; `default`: 25 MB of attachments. */
  bytes: number;
  source: 'server' | 'default';
  /** What the attachments may add up to (their file sizes, before base64): compare the composer's total with this. */
  attachmentBytes: number;
}

/** Bytes of a message's frozen file written to the server so far, during its attempt. */
export interface SendProgress {
  id: number;
  sent: number;
  total: number;
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
  /** OAuth2 sign-in did not complete: denied in the browser, timed out, a state mismatch, the token endpoint refused. */
  'sign_in_failed',
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
  /** The limits: absent keeps the account's own on edit (the form and the CLI do not show them), NEW_ACCOUNT_LIMITS on create. */
  maxPerMinute: z.number().int().min(1).max(100_000).optional(),
  maxConnections: z.number().int().min(1).max(20).optional(),
  retryDays: z.number().min(0.01).max(30).optional(),
});
export type AccountInput = z.input<typeof AccountInput>;

/** A new account's limits where its input gives none. */
export const NEW_ACCOUNT_LIMITS = { maxPerMinute: 30, maxConnections: 2, retryDays: 5 } as const;

/** OAuth2 sign-in for a new account (no id) or an existing one: the account's settings, and with whom to sign in. */
export const SignInInput = z.object({
  provider: z.enum(OAUTH_PROVIDERS),
  /** The OAuth client (app registration) to use; absent: the one configured for this build, or the account's. */
  clientId: line(512).optional(),
  /** Only where the provider demands one for installed apps; kept in the keychain. */
  clientSecret: line(4096).optional(),
  /** Password fields are ignored: the account signs in with the provider. */
  account: AccountInput,
});
export type SignInInput = z.input<typeof SignInInput>;

/** A file path from `attachments.pick` or `attachments.stage`; the core refuses any other. */
const filePath = z.string().min(1).max(4096).refine((s) => !s.includes('\0'), 'must not contain NUL');

/** What a message and a draft are made of. */
const messageFields = {
  accountId: id,
  /** A From alias of the account (AccountView.identities); absent: the account's own address. */
  identityId: id.optional(),
  /** Each entry is one address or a comma-separated list as a person types it. */
  to: recipientList.default([]),
  cc: recipientList.default([]),
  bcc: recipientList.default([]),
  subject: line(998).default(''),
  /** The plain text; with `html` and empty, generated from the HTML. */
  text: z.string().max(20_000_000).default(''),
  /** Rich text; sanitised by the core (bold, italic, underline, lists, links, quotes, paragraphs). */
  html: z.string().max(20_000_000).optional(),
  /** Overrides the identity's (or the account's) Reply-To. */
  replyTo: line(998).optional(),
  attachments: z.array(z.object({ path: filePath })).max(100).default([]),
  /** Images the HTML references as `cid:<cid>`. */
  inline: z.array(z.object({ cid: z.string().regex(/^[A-Za-z0-9._-]{1,100}(@[A-Za-z0-9.-]{1,100})?$/, 'must be letters, digits, dots, dashes or underscores'), path: filePath })).max(100).default([]),
};

export const ComposeInput = z.object({
  ...messageFields,
  /** Scheduled send: not before this time (ISO 8601 with offset). */
  sendAt: z.iso.datetime({ offset: true }).optional(),
  /** The undo window for this message; default: the undo setting. */
  delaySeconds: z.number().int().min(0).max(30).optional(),
  /** The saved draft this message was written in: discarded once the message is queued. */
  draftId: id.optional(),
});
export type ComposeInput = z.input<typeof ComposeInput>;

/** A draft as the composer autosaves it: no id creates one, an id updates it. Recipients are kept as typed. */
export const DraftInput = z.object({ ...messageFields, id: id.optional() });
export type DraftInput = z.input<typeof DraftInput>;

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
    /** Make this account the default, changing nothing else about it (save writes every field as the caller read it). */
    makeDefault: method(z.tuple([id])).returns<AccountView>(),
    /**
     * Pin the certificate the account's server presents now, if its SHA-256 fingerprint is this one (as
     * the connection test showed it), changing nothing else about the account.
     */
    trustCertificate: method(z.tuple([id, line(200)])).returns<AccountView>(),
    remove: method(z.tuple([id, RemoveAccountOptions.optional()])).returns<null>(),
    /** The connection test: connect, EHLO, STARTTLS, AUTH, NOOP, RSET, QUIT, with the account's own settings. */
    test: method(z.tuple([id])).returns<ConnectionTestView>(),
    /** Find the server settings for an address: presets, autoconfig XML, SRV records, then guesses confirmed by EHLO. */
    discover: method(z.tuple([line(254).transform((s) => s.trim()).pipe(z.string().min(3))])).returns<DiscoveryView>(),
    /**
     * OAuth2 sign-in in the system browser (PKCE, loopback redirect), then save the account; resolves
     * once the person finished in the browser, or fails with `sign_in_failed` (denied, timed out, state mismatch).
     */
    signIn: method(z.tuple([SignInInput])).returns<AccountView>(),
    /** The providers signIn knows, with their servers. */
    providers: method(z.tuple([])).returns<OAuthProviderView[]>(),
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
    /** A message's attempts, newest first, each with its SMTP dialogue: what the server answered when a send went wrong. */
    attempts: method(z.tuple([id])).returns<AttemptView[]>(),
    connectivity: method(z.tuple([])).returns<Connectivity>(),
  },
  drafts: {
    /** Create (no id) or update a draft; attachments must be picked or staged files. */
    save: method(z.tuple([DraftInput])).returns<SavedDraftView>(),
    /** Newest first. */
    list: method(z.tuple([])).returns<SavedDraftView[]>(),
    get: method(z.tuple([id])).returns<SavedDraftView>(),
    discard: method(z.tuple([id])).returns<null>(),
  },
  compose: {
    /**
     * Look up each recipient domain's mail servers (cached); never needed to send. A domain is said
     * not to exist (or to take no mail) only when the same DNS finds the sending account's own
     * domain or server just then; otherwise, as when DNS fails or does not answer, it is `unknown`.
     */
    checkDomains: method(z.tuple([z.array(line(253)).max(100), z.object({ accountId: id })])).returns<DomainCheckView[]>(),
    /** Parse a `mailto:` URL (RFC 6068) into what the composer prefills. */
    fromMailto: method(z.tuple([z.string().max(100_000)])).returns<MailtoView>(),
    /** How large a message the account's server takes, and what that leaves for attachments. */
    sizeLimit: method(z.tuple([id])).returns<SizeLimitView>(),
  },
  attachments: {
    /** The desktop app's file dialog; the chosen files become attachable. Elsewhere: `unavailable`. */
    pick: method(z.tuple([])).returns<AttachmentView[]>(),
    /** Upload a file's bytes (base64, up to 20 MB decoded) for a host without a file dialog, or a dropped or pasted file. */
    stage: method(z.tuple([line(255), z.string().max(28_000_000)])).returns<AttachmentView>(),
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
  /** During an attempt: at most every 100 ms and 64 KB, and once at the end (sent === total). */
  sendProgress: undefined as unknown as SendProgress,
  /** The system opened a mailto: link with Outbound: a composer prefilled with it. */
  mailtoOpened: undefined as unknown as MailtoView,
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

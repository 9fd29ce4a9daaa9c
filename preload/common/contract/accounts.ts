/** `accounts`: the sending accounts, their servers, identities and sign-in. */
import * as z from 'zod/mini';
import { IMAP_SECURITY_MODES, OAUTH_PROVIDERS, SECURITY_MODES, SENT_COPY_MODES } from './choices.ts';
import { DeliveryReport } from './compose.ts';
import { filled, id, line, method, text, whole } from './method.ts';
import type { SmtpStage } from './outbox.ts';

export { IMAP_SECURITY_MODES, OAUTH_PROVIDERS, SECURITY_MODES, SENT_COPY_MODES };
export type Security = (typeof SECURITY_MODES)[number];
export type ImapSecurity = (typeof IMAP_SECURITY_MODES)[number];
export type SentCopyMode = (typeof SENT_COPY_MODES)[number];

/** The account's IMAP server, where the copy in Sent goes. */
export interface ImapView {
  host: string;
  port: number;
  security: ImapSecurity;
  /** null: the SMTP username. The secret is always the SMTP one. */
  username: string | null;
  /** IMAP's own pinned certificate, for a host other than the SMTP host (on the same host the account's pin applies). */
  tlsFingerprint: string | null;
  /** The folder copies go to; null: found at the first copy (\\Sent, the usual names, or created). */
  sentFolder: string | null;
  /** What `auto` found at the first copy: the server files submitted mail itself (null: not known yet). */
  filesSentItself: boolean | null;
}
export type OAuthProvider = (typeof OAUTH_PROVIDERS)[number];

/** What the renderer may know about an account: never a password. */
export interface AccountView {
  id: number;
  /** What each message asks for unless the composer says otherwise. */
  deliveryReport: DeliveryReport | null;
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
  /** null: no IMAP server, so no copy in Sent. */
  imap: ImapView | null;
  sentCopy: SentCopyMode;
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
  /** The IMAP server's test, when the account has one. */
  imap: ImapTestView | null;
}

/** The IMAP half of the connection test: login, the Sent folder, what the server offers. */
export interface ImapTestView {
  ok: boolean;
  verdict: string;
  /** The folder copies go to, as found (or as set). */
  sentFolder: string | null;
  capabilities: string[];
  certificate: CertificateView | null;
  certificateTrusted: boolean;
  /** What was done, step by step (never a password). */
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
  /** The IMAP server for the copy in Sent, when the same sources name one (presets, autoconfig, SRV); where it was found. */
  imap: { host: string; port: number; security: ImapSecurity; from: string } | null;
}

export const IdentityInput = z.object({
  id: z.optional(id),
  email: filled(254),
  displayName: z._default(line(128), ''),
  replyTo: z.optional(line(998)),
  signature: z._default(text(10_000), ''),
});
export type IdentityInput = z.input<typeof IdentityInput>;

export const ImapInput = z.object({
  host: filled(253),
  port: whole(1, 65535),
  security: z.enum(IMAP_SECURITY_MODES),
  /** Empty or absent: the SMTP username. */
  username: z.optional(line(256)),
  /** IMAP's own pin, for a host other than the SMTP host; empty removes it. */
  tlsFingerprint: z.optional(line(200)),
  /** Empty or absent: found at the first copy. */
  sentFolder: z.optional(line(512)),
});
export type ImapInput = z.input<typeof ImapInput>;

/** What happens to an account's unsent mail when it is removed: refused while there is some, unless told. */
export const RemoveAccountOptions = z.object({
  queued: z._default(z.enum(['refuse', 'cancel', 'move']), 'refuse'),
  /** With `move`: the account that sends them instead. */
  toAccountId: z.optional(id),
});
export type RemoveAccountOptions = z.input<typeof RemoveAccountOptions>;

export const AccountInput = z.object({
  /** Present when editing an existing account. */
  id: z.optional(id),
  name: filled(64),
  email: filled(254),
  displayName: z._default(line(128), ''),
  host: filled(253),
  port: whole(1, 65535),
  security: z.enum(SECURITY_MODES),
  /** Empty or absent: no AUTH. */
  username: z.optional(line(256)),
  /** Write-only: stored in the OS keychain. On edit, absent keeps the stored one. */
  password: z.optional(text(4096)),
  /** msmtp-style passwordeval: the command's stdout is the password. */
  passwordCommand: z.optional(line(4096)),
  /** Pin the server's certificate (openssl's colon-hex SHA-256); empty removes the pin. */
  tlsFingerprint: z.optional(line(200)),
  isDefault: z.optional(z.boolean()),
  replyTo: z.optional(line(998)),
  signature: z._default(text(10_000), ''),
  /** The full list of From aliases: ones with an id are kept (and updated), the others added, the rest removed. */
  identities: z.optional(z.array(IdentityInput).check(z.maxLength(100))),
  /** The limits: absent keeps the account's own on edit (the form and the CLI do not show them), NEW_ACCOUNT_LIMITS on create. */
  maxPerMinute: z.optional(whole(1, 100_000)),
  maxConnections: z.optional(whole(1, 20)),
  retryDays: z.optional(z.number().check(z.minimum(0.01), z.maximum(30))),
  /** The delivery report each message asks for unless the composer says otherwise; absent keeps it on edit, null: none. */
  deliveryReport: z.optional(z.nullable(DeliveryReport)),
  /** The IMAP server for the copy in Sent; absent keeps it on edit, null: none. */
  imap: z.optional(z.nullable(ImapInput)),
  /** Absent keeps it on edit (`auto` on create). */
  sentCopy: z.optional(z.enum(SENT_COPY_MODES)),
});
export type AccountInput = z.input<typeof AccountInput>;

/** A new account's limits where its input gives none. */
export const NEW_ACCOUNT_LIMITS = { maxPerMinute: 30, maxConnections: 2, retryDays: 5 } as const;

/** OAuth2 sign-in for a new account (no id) or an existing one: the account's settings, and with whom to sign in. */
export const SignInInput = z.object({
  provider: z.enum(OAUTH_PROVIDERS),
  /** The OAuth client (app registration) to use; absent: the one configured for this build, or the account's. */
  clientId: z.optional(line(512)),
  /** Only where the provider demands one for installed apps; kept in the keychain. */
  clientSecret: z.optional(line(4096)),
  /** Password fields are ignored: the account signs in with the provider. */
  account: AccountInput,
});
export type SignInInput = z.input<typeof SignInInput>;

export const accountMethods = {
  list: method(z.tuple([])).returns<AccountView[]>(),
  /** One account by its name (any case), as a person types it (the CLI's --account), or by its id. */
  find: method(z.tuple([line(254)])).returns<AccountView>(),
  save: method(z.tuple([AccountInput])).returns<AccountView>(),
  /** Make this account the default, changing nothing else about it (save writes every field as the caller read it). */
  makeDefault: method(z.tuple([id])).returns<AccountView>(),
  /**
   * Pin the certificate the account's server presents now, if its SHA-256 fingerprint is this one (as
   * the connection test showed it), changing nothing else about the account.
   */
  trustCertificate: method(z.tuple([id, line(200)])).returns<AccountView>(),
  remove: method(z.tuple([id, z.optional(RemoveAccountOptions)])).returns<null>(),
  /**
   * The connection test: connect, EHLO, STARTTLS, AUTH, NOOP, RSET, QUIT, with the account's own
   * settings; then, when it has IMAP, the login there, the Sent folder and what the server offers.
   */
  test: method(z.tuple([id])).returns<ConnectionTestView>(),
  /**
   * The same test with settings that are not saved: a new account before it is added (the password
   * given), or an existing one's edit (the stored password unless another is given). Saves nothing;
   * refused as saving would refuse the settings (a field error), e.g. a username without a password.
   */
  testSettings: method(z.tuple([AccountInput])).returns<ConnectionTestView>(),
  /** Find the server settings for an address: presets, autoconfig XML, SRV records, then guesses confirmed by EHLO; IMAP too, where a preset, the XML or SRV names it. */
  discover: method(z.tuple([filled(254, 3)])).returns<DiscoveryView>(),
  /**
   * OAuth2 sign-in in the system browser (PKCE, loopback redirect), then save the account; resolves
   * once the person finished in the browser, or fails with `sign_in_failed` (denied, timed out, state mismatch).
   */
  signIn: method(z.tuple([SignInInput])).returns<AccountView>(),
  /** The providers signIn knows, with their servers. */
  providers: method(z.tuple([])).returns<OAuthProviderView[]>(),
} as const;

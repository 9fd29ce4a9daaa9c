/** The account editor's form: its fields as typed, from and to what the contract holds. */
import type {
  AccountInput,
  AccountView,
  ApiError,
  DiscoveryView,
  ImapSecurity,
  OAuthProvider,
  OAuthProviderView,
  Security,
  SentCopyMode,
} from '../../../preload/common/contract/index.ts';
import { reportOf, reportValue } from '../compose/delivery-report.ts';

/** The usual port for each security mode; offered when the user switches mode. */
export const DEFAULT_PORT: Record<Security, string> = { tls: '465', starttls: '587', none: '25' };
export const SECURITY_LABEL: Record<Security, string> = {
  tls: 'TLS from the first byte',
  starttls: 'STARTTLS',
  none: 'None (plain text)',
};

/** IMAP's usual ports; IMAP is never plain text (the copy logs in with the account's password). */
export const DEFAULT_IMAP_PORT: Record<ImapSecurity, string> = { tls: '993', starttls: '143' };
export const SENT_COPY_LABEL: Record<SentCopyMode, string> = {
  auto: 'Yes, unless the server files it there itself',
  always: 'Always',
  never: 'Never',
};

/** How the account signs in: a password (or none), or OAuth2 with a provider. */
export type SignInMethod = 'password' | OAuthProvider;
/** The provider's name as main knows it ("Microsoft 365"); the id until the list has loaded. */
export const nameOf = (providers: OAuthProviderView[], provider: OAuthProvider): string => providers.find((p) => p.provider === provider)?.name ?? provider;

/** A From alias being edited; `key` tells rows apart before they have an id. */
export interface IdentityForm {
  key: string;
  id: number | undefined;
  email: string;
  displayName: string;
  replyTo: string;
  signature: string;
}
export type IdentityField = 'email' | 'displayName' | 'replyTo' | 'signature';

export interface AccountForm {
  name: string;
  email: string;
  displayName: string;
  host: string;
  port: string;
  security: Security;
  username: string;
  password: string;
  passwordCommand: string;
  tlsFingerprint: string;
  signInWith: SignInMethod;
  clientId: string;
  clientSecret: string;
  replyTo: string;
  signature: string;
  /** The delivery report each message asks for by default (compose/delivery-report.ts's values). */
  deliveryReport: string;
  isDefault: boolean;
  identities: IdentityForm[];
  /** Empty: no IMAP server, so no copy in Sent. */
  imapHost: string;
  imapPort: string;
  imapSecurity: ImapSecurity;
  imapUsername: string;
  imapTlsFingerprint: string;
  imapSentFolder: string;
  sentCopy: SentCopyMode;
}
export type AccountField = Exclude<keyof AccountForm, 'identities' | 'isDefault' | 'signInWith'>;
/** The contract names IMAP's fields `imap.host`, `imap.tlsFingerprint`…; the form `imapHost`, `imapTlsFingerprint`…. */
export const formFieldOf = (field: string | undefined): string | undefined =>
  field?.startsWith('imap.') ? `imap${field.charAt(5).toUpperCase()}${field.slice(6)}` : field;
export const ACCOUNT_FIELDS: readonly AccountField[] = [
  'name',
  'email',
  'displayName',
  'host',
  'port',
  'security',
  'username',
  'password',
  'passwordCommand',
  'tlsFingerprint',
  'clientId',
  'clientSecret',
  'replyTo',
  'signature',
  'deliveryReport',
  'imapHost',
  'imapPort',
  'imapSecurity',
  'imapUsername',
  'imapTlsFingerprint',
  'imapSentFolder',
  'sentCopy',
];

let nextKey = 0;
export const identityForm = (identity?: AccountView['identities'][number]): IdentityForm => ({
  key: `identity-${(nextKey += 1)}`,
  id: identity?.id,
  email: identity?.email ?? '',
  displayName: identity?.displayName ?? '',
  replyTo: identity?.replyTo ?? '',
  signature: identity?.signature ?? '',
});

export const emptyForm = (): AccountForm => ({
  name: '',
  email: '',
  displayName: '',
  host: '',
  port: DEFAULT_PORT.starttls,
  security: 'starttls',
  username: '',
  password: '',
  passwordCommand: '',
  tlsFingerprint: '',
  signInWith: 'password',
  clientId: '',
  clientSecret: '',
  replyTo: '',
  signature: '',
  deliveryReport: '',
  isDefault: false,
  identities: [],
  imapHost: '',
  imapPort: DEFAULT_IMAP_PORT.tls,
  imapSecurity: 'tls',
  imapUsername: '',
  imapTlsFingerprint: '',
  imapSentFolder: '',
  sentCopy: 'auto',
});

export const formOf = (account: AccountView): AccountForm => ({
  name: account.name,
  email: account.email,
  displayName: account.displayName,
  host: account.host,
  port: String(account.port),
  security: account.security,
  username: account.username ?? '',
  password: '',
  passwordCommand: account.passwordCommand ?? '',
  tlsFingerprint: account.tlsFingerprint ?? '',
  signInWith: account.oauth?.provider ?? 'password',
  clientId: account.oauth?.clientId ?? '',
  clientSecret: '',
  replyTo: account.replyTo ?? '',
  signature: account.signature,
  deliveryReport: reportValue(account.deliveryReport),
  isDefault: account.isDefault,
  identities: account.identities.map(identityForm),
  imapHost: account.imap?.host ?? '',
  imapPort: String(account.imap?.port ?? DEFAULT_IMAP_PORT.tls),
  imapSecurity: account.imap?.security ?? 'tls',
  imapUsername: account.imap?.username ?? '',
  imapTlsFingerprint: account.imap?.tlsFingerprint ?? '',
  imapSentFolder: account.imap?.sentFolder ?? '',
  sentCopy: account.sentCopy,
});

export function inputOf(form: AccountForm, id: number | undefined): AccountInput {
  return {
    id,
    name: form.name,
    email: form.email,
    displayName: form.displayName.trim(),
    host: form.host,
    port: Number(form.port),
    security: form.security,
    username: form.username.trim(),
    // Empty keeps the stored password when editing.
    password: form.password === '' ? undefined : form.password,
    passwordCommand: form.passwordCommand.trim(),
    tlsFingerprint: form.tlsFingerprint.trim(),
    replyTo: form.replyTo.trim(),
    signature: form.signature,
    deliveryReport: reportOf(form.deliveryReport),
    isDefault: form.isDefault,
    identities: form.identities.map((i) => ({
      id: i.id,
      email: i.email,
      displayName: i.displayName.trim(),
      replyTo: i.replyTo.trim(),
      signature: i.signature,
    })),
    imap: form.imapHost.trim()
      ? {
          host: form.imapHost,
          port: Number(form.imapPort),
          security: form.imapSecurity,
          username: form.imapUsername.trim(),
          tlsFingerprint: form.imapTlsFingerprint.trim(),
          sentFolder: form.imapSentFolder.trim(),
        }
      : null,
    sentCopy: form.sentCopy,
  };
}

/** An error about one identity (`identities.2.email`): its row and field; undefined for any other error. */
export function identityError(error: ApiError): { index: number; field: IdentityField } | undefined {
  const [head, index, field] = error.field?.split('.') ?? [];
  if (head !== 'identities' || index === undefined) return undefined;
  return { index: Number(index), field: field === 'replyTo' || field === 'displayName' || field === 'signature' ? field : 'email' };
}

export const SOURCE_LABEL: Record<DiscoveryView['source'], string> = {
  preset: "from Outbound's list of providers",
  autoconfig: "in the provider's configuration file",
  srv: "in the domain's DNS (SRV record)",
  guess: 'by trying the usual names',
};

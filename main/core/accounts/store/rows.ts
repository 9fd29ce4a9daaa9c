/** The accounts' rows as SQLite gives them, and what the store's jobs take and give. */
import type * as z from 'zod/mini';
import type { AccountInput, AccountView, ImapSecurity, OAuthProvider, Security, SentCopyMode, SignInInput } from '../../../../preload/common/contract/index.ts';
import type { Pin } from '../../smtp/tls.ts';
import type { Grant, OAuthClient } from '../oauth.ts';

/** The validated input the API hands over (the contract's AccountInput after parsing). */
export type AccountFields = z.output<typeof AccountInput>;
export type SignInFields = z.output<typeof SignInInput>;

/** An account as the core uses it: with where its secret is and its pinned certificate; without the outbox's counts. */
export interface Account extends Omit<AccountView, 'waiting'> {
  secretRef: string;
  pin: Pin | null;
  /** IMAP's own pin (for an IMAP host other than the SMTP host). */
  imapPin: Pin | null;
}

/** A sign-in that just completed in the browser, to be kept with the account. */
export interface SignedIn {
  client: OAuthClient;
  grant: Grant;
}

export interface AccountRow {
  id: number;
  name: string;
  email: string;
  display_name: string;
  host: string;
  port: number;
  security: Security;
  username: string | null;
  secret_source: AccountView['secretSource'];
  secret_ref: string;
  password_command: string | null;
  auth_method: 'password' | 'oauth2';
  oauth_provider: OAuthProvider | null;
  oauth_client_id: string | null;
  paused_reason: string | null;
  max_per_minute: number;
  max_connections: number;
  retry_days: number;
  /** JSON DeliveryReport, or NULL. */
  delivery_report: string | null;
  tls_fingerprint: string | null;
  tls_certificate: string | null;
  is_default: number;
  reply_to: string | null;
  signature: string;
  imap_host: string | null;
  imap_port: number | null;
  imap_security: ImapSecurity | null;
  imap_username: string | null;
  imap_tls_fingerprint: string | null;
  imap_tls_certificate: string | null;
  sent_folder: string | null;
  sent_copy: SentCopyMode;
  server_files_sent: 0 | 1 | null;
  created_at: number;
  updated_at: number;
}

export interface IdentityRow {
  id: number;
  account_id: number;
  email: string;
  display_name: string;
  reply_to: string | null;
  signature: string;
}

/** An identity of the input, checked, as it is written (`id` null: a new one). */
export type IdentityValues = Omit<IdentityRow, 'id' | 'account_id'> & { id: number | null };

/** Reading the accounts and their identities. */
import type { IdentityView, ImapView } from '../../../../preload/common/contract/index.ts';
import { deliveryReportOf } from '../../compose/delivery-report.ts';
import { notFound } from '../../app-error.ts';
import type { AccountsDb } from './handle.ts';
import type { Account, AccountRow, IdentityRow } from './rows.ts';

export function list(h: AccountsDb): Account[] {
  return (h.sql('SELECT * FROM accounts ORDER BY name COLLATE NOCASE').all() as AccountRow[]).map((row) => toAccount(h, row));
}

export function get(h: AccountsDb, id: number): Account {
  const row = h.sql('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
  if (!row) throw notFound(`There is no account with id ${id}; it may have been removed.`);
  return toAccount(h, row);
}

/** By name (as the CLI's --account) or by numeric id. */
export function find(h: AccountsDb, nameOrId: string): Account {
  const row = h.sql('SELECT * FROM accounts WHERE name = ? COLLATE NOCASE').get(nameOrId) as AccountRow | undefined;
  if (row) return toAccount(h, row);
  if (/^\d+$/.test(nameOrId)) return get(h, Number(nameOrId));
  const names = list(h).map((a) => a.name);
  throw notFound(`There is no account named "${nameOrId}". ${names.length ? `Accounts: ${names.join(', ')}.` : 'Add one first with `outbound account add`.'}`);
}

const toIdentity = (row: IdentityRow): IdentityView => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  replyTo: row.reply_to,
  signature: row.signature,
});

function toAccount(h: AccountsDb, row: AccountRow): Account {
  const identities = (h.sql('SELECT * FROM identities WHERE account_id = ? ORDER BY id').all(row.id) as IdentityRow[]).map(toIdentity);
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    displayName: row.display_name,
    host: row.host,
    port: row.port,
    security: row.security,
    username: row.username,
    secretSource: row.secret_source,
    passwordCommand: row.password_command,
    oauth: row.auth_method === 'oauth2' && row.oauth_provider && row.oauth_client_id ? { provider: row.oauth_provider, clientId: row.oauth_client_id } : null,
    pausedReason: row.paused_reason,
    maxPerMinute: row.max_per_minute,
    maxConnections: row.max_connections,
    retryDays: row.retry_days,
    deliveryReport: deliveryReportOf(row.delivery_report),
    tlsFingerprint: row.tls_fingerprint,
    isDefault: row.is_default === 1,
    replyTo: row.reply_to,
    signature: row.signature,
    identities,
    imap: imapOf(row),
    sentCopy: row.sent_copy,
    createdAt: new Date(row.created_at).toISOString(),
    secretRef: row.secret_ref,
    pin: row.tls_fingerprint && row.tls_certificate ? { fingerprint: row.tls_fingerprint, certificate: row.tls_certificate } : null,
    imapPin: row.imap_tls_fingerprint && row.imap_tls_certificate ? { fingerprint: row.imap_tls_fingerprint, certificate: row.imap_tls_certificate } : null,
  };
}

/** The account's IMAP server as it shows it; null: none. */
export function imapOf(row: AccountRow): ImapView | null {
  if (row.imap_host === null || row.imap_port === null || row.imap_security === null) return null;
  return {
    host: row.imap_host,
    port: row.imap_port,
    security: row.imap_security,
    username: row.imap_username,
    tlsFingerprint: row.imap_tls_fingerprint,
    sentFolder: row.sent_folder,
    filesSentItself: row.server_files_sent === null ? null : row.server_files_sent === 1,
  };
}

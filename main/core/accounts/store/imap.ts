/** An account's IMAP server, for the copy in Sent: its columns as checked from the input. */
import { invalid } from '../../app-error.ts';
import { checkedHost } from './check.ts';
import { pinFor } from './pin.ts';
import type { Account, AccountFields, AccountRow } from './rows.ts';

export const IMAP_COLUMNS = [
  'imap_host',
  'imap_port',
  'imap_security',
  'imap_username',
  'imap_tls_fingerprint',
  'imap_tls_certificate',
  'sent_folder',
  'sent_copy',
  'server_files_sent',
] as const;
export const IMAP_ASSIGNMENTS = IMAP_COLUMNS.map((c) => `${c}=@${c}`).join(', ');
type ImapColumns = Pick<AccountRow, (typeof IMAP_COLUMNS)[number]>;

/**
 * The IMAP columns to write: the input's (absent: the account's as they are). IMAP gets a pin of
 * its own only on a host other than SMTP's; on the same host the account's pin applies. What
 * `auto` found is forgotten when the server changes.
 */
export async function imapColumns(fields: AccountFields, existing: Account | undefined, smtp: { host: string; username: string | null }): Promise<ImapColumns> {
  const sentCopy = fields.sentCopy ?? existing?.sentCopy ?? 'auto';
  const before = existing?.imap ?? null;
  const keep = fields.imap === undefined;
  const input = keep
    ? before && { ...before, username: before.username ?? undefined, tlsFingerprint: undefined, sentFolder: before.sentFolder ?? undefined }
    : fields.imap;
  if (!input) return { ...NO_IMAP, sent_copy: sentCopy };
  const host = checkedHost('imap.host', input.host);
  // IMAP logs in with the account's own secret: an account that signs in nowhere has none.
  if (!smtp.username) throw invalid('username', "The copy in Sent logs in to IMAP with the account's password: give the account a username and password.");
  const sameServer = before?.host === host && before.port === input.port;
  const given = input.tlsFingerprint === undefined ? (sameServer ? before.tlsFingerprint : null) : input.tlsFingerprint.trim();
  const pin =
    given && host !== smtp.host
      ? await pinFor(
          given,
          { host, port: input.port, security: input.security, protocol: 'imap' },
          existing && { ...before!, pin: existing.imapPin },
          'imap.tlsFingerprint',
        )
      : null;
  return {
    imap_host: host,
    imap_port: input.port,
    imap_security: input.security,
    imap_username: input.username?.trim() || null,
    imap_tls_fingerprint: pin?.fingerprint ?? null,
    imap_tls_certificate: pin?.certificate ?? null,
    sent_folder: input.sentFolder?.trim() || null,
    sent_copy: sentCopy,
    server_files_sent: sameServer && before.filesSentItself !== null ? (before.filesSentItself ? 1 : 0) : null,
  };
}

const NO_IMAP = {
  imap_host: null,
  imap_port: null,
  imap_security: null,
  imap_username: null,
  imap_tls_fingerprint: null,
  imap_tls_certificate: null,
  sent_folder: null,
  server_files_sent: null,
} as const;

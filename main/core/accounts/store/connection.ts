/** What sending needs of an account: where and how to connect (also for the connection test), and pausing it when its login is refused. */
import type { ConnectionTestView } from '../../../../preload/common/contract/index.ts';
import { AppError } from '../../app-error.ts';
import type { ImapTarget } from '../../imap/client.ts';
import { probeImap } from '../../imap/probe.ts';
import { probe } from '../../smtp/probe.ts';
import type { SmtpCredentials, SubmitTarget } from '../../smtp/submit.ts';
import { runPasswordCommand } from '../secrets.ts';
import { check } from './check.ts';
import type { AccountsDb } from './handle.ts';
import { imapColumns } from './imap.ts';
import { pinFor } from './pin.ts';
import { get } from './records.ts';
import type { Account, AccountFields } from './rows.ts';

/** Where and how to connect for this account: what sending and the connection test both use. */
export async function target(h: AccountsDb, account: Account): Promise<SubmitTarget> {
  return { host: account.host, port: account.port, security: account.security, pin: account.pin, credentials: await credentials(h, account) };
}

/** Where and how to reach the account's IMAP server: its own login when set apart, the pin of the SMTP host when it is the same host. */
export async function imapTarget(h: AccountsDb, account: Account): Promise<ImapTarget> {
  const { imap } = account;
  if (!imap) throw new AppError('invalid_input', `Account "${account.name}" has no IMAP server.`, { field: 'imap.host' });
  const login = await credentials(h, account);
  if (!login) throw new AppError('invalid_input', `Account "${account.name}" has no username: IMAP needs a login.`, { field: 'username' });
  const pin = imap.host === account.host ? account.pin : account.imapPin;
  return { host: imap.host, port: imap.port, security: imap.security, pin, credentials: { ...login, user: imap.username ?? login.user } };
}

/** The connection test with the account's saved settings: SMTP, then IMAP when the account has it. */
export async function test(h: AccountsDb, id: number): Promise<ConnectionTestView> {
  const account = get(h, id);
  const smtp = await probe(await target(h, account), { extraCaCertificates: h.extraCaCertificates });
  return {
    ...smtp,
    imap: account.imap ? await probeImap(() => imapTarget(h, account), account.imap.sentFolder, { extraCaCertificates: h.extraCaCertificates }) : null,
  };
}

/**
 * The same test with settings that are not saved (a new account before it is added, or an edit
 * before it is kept): the password given (else an existing account's stored one), the pin given,
 * IMAP when the settings name it. Checked as saving checks them; nothing is written anywhere.
 */
export async function testSettings(h: AccountsDb, fields: AccountFields): Promise<ConnectionTestView> {
  const existing = fields.id === undefined ? undefined : get(h, fields.id);
  const { host, username, password, passwordCommand, oauth } = check(h, fields, existing, undefined);
  if (oauth) {
    throw new AppError('invalid_input', 'An account that signs in with its provider is tested once it is saved: sign in, then test its connection.', {
      field: 'password',
    });
  }
  const { port, security } = fields;
  const login: SmtpCredentials | undefined = !username
    ? undefined
    : password || passwordCommand
      ? { kind: 'password', user: username, pass: password ?? (await runPasswordCommand(passwordCommand ?? '')) }
      : await credentials(h, { ...existing!, username });
  const given = fields.tlsFingerprint === undefined ? existing?.tlsFingerprint : fields.tlsFingerprint.trim();
  const pin = given ? await pinFor(given, { host, port, security }, existing) : null;
  const imap = await imapColumns(fields, existing, { host, username });
  const options = { extraCaCertificates: h.extraCaCertificates };
  const smtp = await probe({ host, port, security, pin, credentials: login }, options);
  if (!imap.imap_host || !imap.imap_port || !imap.imap_security || !login) return { ...smtp, imap: null };
  // As imapTarget: on the SMTP host the account's pin applies, elsewhere IMAP's own.
  const ownPin =
    imap.imap_tls_fingerprint && imap.imap_tls_certificate ? { fingerprint: imap.imap_tls_fingerprint, certificate: imap.imap_tls_certificate } : null;
  const imapTarget: ImapTarget = {
    host: imap.imap_host,
    port: imap.imap_port,
    security: imap.imap_security,
    pin: imap.imap_host === host ? pin : ownPin,
    credentials: { ...login, user: imap.imap_username ?? login.user },
  };
  return { ...smtp, imap: await probeImap(() => Promise.resolve(imapTarget), imap.sent_folder, options) };
}

/** Only these columns: a copy's discovery must not undo what another window saved meanwhile. */
export function rememberSentFolder(h: AccountsDb, id: number, folder: string): void {
  h.sql('UPDATE accounts SET sent_folder = ? WHERE id = ? AND sent_folder IS NULL').run(folder, id);
}

export function rememberFilesSent(h: AccountsDb, id: number, filesItself: boolean): void {
  h.sql('UPDATE accounts SET server_files_sent = ? WHERE id = ?').run(filesItself ? 1 : 0, id);
}

/** Stop sending for this account until it is saved again (new credentials): the reason is shown to the user. */
export function pause(h: AccountsDb, id: number, reason: string): void {
  h.sql('UPDATE accounts SET paused_reason = ? WHERE id = ?').run(reason, id);
}

/** The login for SMTP AUTH, or undefined for an account that sends without AUTH. */
async function credentials(h: AccountsDb, account: Account): Promise<SmtpCredentials | undefined> {
  if (!account.username) return undefined;
  if (account.oauth) return { kind: 'oauth2', user: account.username, accessToken: await h.oauth.accessToken(account) };
  switch (account.secretSource) {
    case 'command':
      return { kind: 'password', user: account.username, pass: await runPasswordCommand(account.passwordCommand ?? '') };
    case 'keychain': {
      const pass = await h.secrets.get(account.secretRef);
      if (pass === null) {
        throw new AppError(
          'keychain_unavailable',
          `The system keychain did not give the password for account "${account.name}": it may be locked. Unlock it, or enter the password again in the account's settings.`,
        );
      }
      return { kind: 'password', user: account.username, pass };
    }
    case 'none':
      return undefined;
  }
}

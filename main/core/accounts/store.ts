import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { z } from 'zod';
import type {
  AccountInput, AccountView, ConnectionTestView, IdentityView, OAuthProvider, OutboxChange, RemoveAccountOptions, Security, SignInInput,
} from '../../../preload/common/contract/index.ts';
import { NEW_ACCOUNT_LIMITS } from '../../../preload/common/contract/index.ts';
import type { Statement } from 'better-sqlite3';
import { statements, type Db } from '../db/index.ts';
import { parseMailbox } from '../compose/address.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { UNSENT, type OutboxStore } from '../outbox/store/index.ts';
import { probe } from '../smtp/probe.ts';
import type { SmtpCredentials, SubmitTarget } from '../smtp/submit.ts';
import { fetchCertificate, normaliseFingerprint, type Pin } from '../smtp/tls.ts';
import { OAuth, type Grant, type OAuthClient } from './oauth.ts';
import { runPasswordCommand, type SecretStore } from './secrets.ts';

/** The validated input the API hands over (the contract's AccountInput after parsing). */
export type AccountFields = z.output<typeof AccountInput>;
export type SignInFields = z.output<typeof SignInInput>;

interface AccountRow {
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
  tls_fingerprint: string | null;
  tls_certificate: string | null;
  is_default: number;
  reply_to: string | null;
  signature: string;
  created_at: number;
  updated_at: number;
}

interface IdentityRow {
  id: number;
  account_id: number;
  email: string;
  display_name: string;
  reply_to: string | null;
  signature: string;
}

/** An account as the core uses it: with where its secret is and its pinned certificate; without the outbox's counts. */
export interface Account extends Omit<AccountView, 'waiting'> {
  secretRef: string;
  pin: Pin | null;
}

export interface AccountStoreOptions {
  /** PEM certificates trusted besides the system's (an enterprise CA; the tests' CA). */
  extraCaCertificates?: readonly string[];
  /** OAuth2 sign-in and the access-token cache (default: one with no browser, which can only refresh). */
  oauth?: OAuth;
}

/** A sign-in that just completed in the browser, to be kept with the account. */
interface SignedIn {
  client: OAuthClient;
  grant: Grant;
}

const HOSTNAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;

const toIdentity = (row: IdentityRow): IdentityView => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  replyTo: row.reply_to,
  signature: row.signature,
});

/** Strip what the renderer must never hold. */
const withoutSecrets = ({ secretRef: _secretRef, pin: _pin, ...view }: Account): Omit<AccountView, 'waiting'> => view;

export class AccountStore {
  private readonly db: Db;
  private readonly secrets: SecretStore;
  private readonly options: AccountStoreOptions;
  private readonly oauth: OAuth;
  /** The only writer of messages: an account's removal asks it to cancel or move the account's mail. */
  private readonly outbox: OutboxStore;

  private readonly sql: (sql: string) => Statement;

  constructor(db: Db, secrets: SecretStore, outbox: OutboxStore, options: AccountStoreOptions = {}) {
    this.db = db;
    this.sql = statements(db);
    this.secrets = secrets;
    this.outbox = outbox;
    this.options = options;
    this.oauth = options.oauth ?? new OAuth(secrets);
  }

  list(): Account[] {
    return (this.sql('SELECT * FROM accounts ORDER BY name COLLATE NOCASE').all() as AccountRow[]).map((row) => this.toAccount(row));
  }
  /**
   * What the renderer may see: no secret reference, no certificate, and how many messages still wait
   * (counted here, for the screen, not on every read: the sender reads accounts for each message).
   */
  view(account: Account): AccountView {
    const { waiting } = this.sql(`SELECT count(*) AS waiting FROM messages WHERE account_id = ? AND ${UNSENT}`).get(account.id) as { waiting: number };
    return { ...withoutSecrets(account), waiting };
  }

  views(): AccountView[] {
    const counts = new Map(
      (this.sql(`SELECT account_id AS id, count(*) AS waiting FROM messages WHERE ${UNSENT} GROUP BY account_id`).all() as { id: number; waiting: number }[])
        .map((r) => [r.id, r.waiting]),
    );
    return this.list().map((account) => ({ ...withoutSecrets(account), waiting: counts.get(account.id) ?? 0 }));
  }


  get(id: number): Account {
    const row = this.sql('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
    if (!row) throw notFound(`There is no account with id ${id}; it may have been removed.`);
    return this.toAccount(row);
  }

  /** By name (as the CLI's --account) or by numeric id. */
  find(nameOrId: string): Account {
    const row = this.sql('SELECT * FROM accounts WHERE name = ? COLLATE NOCASE').get(nameOrId) as AccountRow | undefined;
    if (row) return this.toAccount(row);
    if (/^\d+$/.test(nameOrId)) return this.get(Number(nameOrId));
    const names = this.list().map((a) => a.name);
    throw notFound(
      `There is no account named "${nameOrId}". ${names.length ? `Accounts: ${names.join(', ')}.` : 'Add one first with `outbound account add`.'}`,
    );
  }

  /**
   * OAuth2 sign-in in the browser for a new or an existing account, then save it: the settings are
   * checked before the browser opens, the refresh token goes to the keychain before the row is written.
   */
  async signIn(input: SignInFields): Promise<Account> {
    const existing = input.account.id === undefined ? undefined : this.get(input.account.id);
    const fields: AccountFields = { ...input.account, password: undefined, passwordCommand: undefined };
    const same = existing?.oauth?.provider === input.provider ? existing : undefined;
    let client = this.oauth.client(input.provider, input, same?.oauth?.clientId);
    // Signing in again with the same app: its stored secret still applies (the form never shows it).
    if (same && !client.clientSecret && client.clientId === same.oauth?.clientId) client = { ...client, clientSecret: await this.oauth.clientSecret(same.secretRef) };
    const { email } = this.check(fields, existing, client);
    const grant = await this.oauth.authorize(client, email);
    return this.save(fields, { client, grant });
  }

  /** Create (no id) or update an account. The password (or refresh token) goes to the keychain before the row is written. */
  async save(fields: AccountFields, signedIn?: SignedIn): Promise<Account> {
    const existing = fields.id === undefined ? undefined : this.get(fields.id);
    const { email, replyTo, host, identities, username, passwordCommand, password, source, oauth } = this.check(fields, existing, signedIn?.client);
    const given = fields.tlsFingerprint === undefined ? existing?.tlsFingerprint : fields.tlsFingerprint.trim();
    const pin = given ? await this.pinFor(given, { host, port: fields.port, security: fields.security }, existing) : null;

    const secretRef = existing?.secretRef ?? randomUUID();
    if (signedIn) await this.oauth.keep(secretRef, signedIn.client, signedIn.grant);
    else if (source === 'keychain' && password) await this.secrets.set(secretRef, password);
    const now = Date.now();
    // A limit the input leaves out stays as it is (a new account's are the defaults).
    const limits = existing ?? NEW_ACCOUNT_LIMITS;
    const values = {
      name: fields.name,
      email,
      display_name: fields.displayName.trim(),
      host,
      port: fields.port,
      security: fields.security,
      username,
      secret_source: source,
      secret_ref: secretRef,
      password_command: source === 'command' ? passwordCommand : null,
      auth_method: oauth ? 'oauth2' : 'password',
      oauth_provider: oauth?.provider ?? null,
      oauth_client_id: oauth?.clientId ?? null,
      max_per_minute: fields.maxPerMinute ?? limits.maxPerMinute,
      max_connections: fields.maxConnections ?? limits.maxConnections,
      retry_days: fields.retryDays ?? limits.retryDays,
      tls_fingerprint: pin?.fingerprint ?? null,
      tls_certificate: pin?.certificate ?? null,
      reply_to: replyTo,
      signature: fields.signature,
      now,
    };
    const id = this.db.transaction(() => {
      let accountId: number;
      if (existing) {
        this
          .sql(
            `UPDATE accounts SET name=@name, email=@email, display_name=@display_name, host=@host, port=@port, security=@security,
               username=@username, secret_source=@secret_source, password_command=@password_command, auth_method=@auth_method,
               oauth_provider=@oauth_provider, oauth_client_id=@oauth_client_id, max_per_minute=@max_per_minute,
               max_connections=@max_connections, retry_days=@retry_days, tls_fingerprint=@tls_fingerprint, tls_certificate=@tls_certificate,
               reply_to=@reply_to, signature=@signature, paused_reason=NULL, updated_at=@now WHERE id=@id`,
          )
          .run({ ...values, id: existing.id });
        accountId = existing.id;
      } else {
        const result = this
          .sql(
            `INSERT INTO accounts (name, email, display_name, host, port, security, username, secret_source, secret_ref, password_command,
               auth_method, oauth_provider, oauth_client_id, max_per_minute, max_connections, retry_days, tls_fingerprint, tls_certificate,
               reply_to, signature, created_at, updated_at)
             VALUES (@name, @email, @display_name, @host, @port, @security, @username, @secret_source, @secret_ref, @password_command,
               @auth_method, @oauth_provider, @oauth_client_id, @max_per_minute, @max_connections, @retry_days, @tls_fingerprint, @tls_certificate,
               @reply_to, @signature, @now, @now)`,
          )
          .run(values);
        accountId = Number(result.lastInsertRowid);
      }
      this.saveIdentities(accountId, identities);
      if (fields.isDefault) this.markDefault(accountId);
      else this.ensureDefault();
      return accountId;
    })();
    // A password or sign-in no longer used must not linger in the keychain.
    if (existing?.secretSource === 'keychain' && source !== 'keychain') await this.secrets.delete(secretRef);
    if (existing?.oauth && !oauth) await this.oauth.forget(secretRef);
    return this.get(id);
  }

  /**
   * Everything about the fields that can be refused without the network: addresses, host, name,
   * identities, and how the account signs in — a new OAuth2 client, the one it already has (edits
   * without a new password keep it), a password, a password command or nothing.
   */
  private check(fields: AccountFields, existing: Account | undefined, client: OAuthClient | undefined) {
    const email = parseMailbox('email', fields.email).address;
    const replyTo = fields.replyTo?.trim() ? parseMailbox('replyTo', fields.replyTo).address : null;
    const host = fields.host.toLowerCase();
    if (!HOSTNAME.test(host) && !isIP(host)) throw invalid('host', `Server "${fields.host}" is not a valid host name or IP address.`);
    const clash = this.sql('SELECT id FROM accounts WHERE name = ? COLLATE NOCASE').get(fields.name) as { id: number } | undefined;
    if (clash && clash.id !== existing?.id) throw new AppError('conflict', `An account named "${fields.name}" already exists.`, { field: 'name' });
    const identities = (fields.identities ?? existing?.identities ?? []).map((identity, index) => ({
      id: identity.id ?? null,
      email: parseMailbox(`identities.${index}.email`, identity.email).address,
      display_name: identity.displayName.trim(),
      reply_to: identity.replyTo?.trim() ? parseMailbox(`identities.${index}.replyTo`, identity.replyTo).address : null,
      signature: identity.signature,
    }));

    const passwordCommand = fields.passwordCommand?.trim() || null;
    const password = fields.password || null;
    const oauth = client ? { provider: client.provider, clientId: client.clientId } : !password && !passwordCommand ? (existing?.oauth ?? null) : null;
    if (oauth) {
      if (fields.security === 'none') throw invalid('security', 'Sign-in tokens are never sent over an unencrypted connection: choose TLS or STARTTLS.');
      // XOAUTH2 names the mailbox; providers expect the address itself.
      return { email, replyTo, host, identities, username: fields.username?.trim() || email, passwordCommand, password, source: 'keychain' as const, oauth };
    }
    const username = fields.username?.trim() || null;
    let source: AccountView['secretSource'] = 'none';
    if (username) {
      if (fields.security === 'none') {
        throw invalid('security', 'A password is never sent over an unencrypted connection: choose TLS or STARTTLS, or remove the username.');
      }
      if (password && passwordCommand) throw invalid('passwordCommand', 'Give a password or a password command, not both.');
      if (passwordCommand) source = 'command';
      else if (password) source = 'keychain';
      else if (existing?.secretSource === 'keychain') source = 'keychain'; // edit: keep the stored password
      else throw invalid('password', 'Enter the password (it is kept in the system keychain) or a password command.');
    }
    return { email, replyTo, host, identities, username, passwordCommand, password, source, oauth };
  }

  /**
   * Make the account the default, and nothing else: `save` writes every field from what the caller
   * read, which would undo what another window or the CLI changed meanwhile.
   */
  makeDefault(id: number): Account {
    this.db.transaction(() => {
      this.get(id); // not_found for an account removed meanwhile
      this.markDefault(id);
    })();
    return this.get(id);
  }

  /**
   * Pin the certificate the account's server presents now, if its SHA-256 fingerprint is the one
   * given (the connection test showed it to the person), and change nothing else (see makeDefault).
   */
  async trustCertificate(id: number, fingerprint: string): Promise<Account> {
    const account = this.get(id);
    const pin = await this.pinFor(fingerprint, account, account);
    // Only for the server whose certificate was fetched: it may have been edited meanwhile.
    const { changes } = this
      .sql('UPDATE accounts SET tls_fingerprint = ?, tls_certificate = ?, updated_at = ? WHERE id = ? AND host = ? AND port = ? AND security = ?')
      .run(pin.fingerprint, pin.certificate, Date.now(), id, account.host, account.port, account.security);
    if (changes === 0) {
      const now = this.get(id); // not_found for an account removed meanwhile
      throw new AppError('conflict', `Account "${now.name}" was changed to another server meanwhile: test its connection again before trusting a certificate.`, {
        field: 'tlsFingerprint',
      });
    }
    return this.get(id);
  }

  /** Stop sending for this account until it is saved again (new credentials): the reason is shown to the user. */
  pause(id: number, reason: string): void {
    this.sql('UPDATE accounts SET paused_reason = ? WHERE id = ?').run(reason, id);
  }

  /**
   * Remove an account. Its unsent mail is never orphaned: without a choice the removal is refused;
   * `cancel` cancels it (it stays visible as cancelled), `move` hands it to another account, which
   * sends the same frozen bytes from its own envelope sender. Its Sent history stays.
   */
  async remove(id: number, options: z.output<typeof RemoveAccountOptions> = { queued: 'refuse' }): Promise<void> {
    const account = this.get(id);
    // IMMEDIATE: no other process claims the account's mail between the checks and the deletion.
    const changes = this.db.transaction((): OutboxChange[] => {
      let changes: OutboxChange[] = [];
      const { waiting } = this.sql(`SELECT count(*) AS waiting FROM messages WHERE account_id = ? AND ${UNSENT}`).get(id) as { waiting: number };
      if (waiting > 0) {
        const them = waiting === 1 ? 'it' : 'them';
        const sending = this.sql(`SELECT count(*) AS n FROM messages WHERE account_id = ? AND state = 'sending'`).get(id) as { n: number };
        if (sending.n > 0) throw new AppError('conflict', `Account "${account.name}" is sending a message right now; try again in a moment.`);
        switch (options.queued) {
          case 'refuse':
            throw new AppError(
              'conflict',
              `Account "${account.name}" still has ${waiting} message${waiting === 1 ? '' : 's'} in the outbox: cancel ${them}, or move ${them} to another account.`,
            );
          case 'cancel':
            changes = this.outbox.leaveAccount(id, null);
            break;
          case 'move':
            if (options.toAccountId === undefined || options.toAccountId === id) {
              throw invalid('toAccountId', `Choose the account that sends ${them} instead of "${account.name}".`);
            }
            changes = this.outbox.leaveAccount(id, this.get(options.toAccountId));
            break;
        }
      }
      this.sql('DELETE FROM accounts WHERE id = ?').run(id);
      this.ensureDefault();
      return changes;
    }).immediate();
    this.outbox.announce(changes);
    if (account.secretSource === 'keychain') await this.secrets.delete(account.secretRef);
    if (account.oauth) await this.oauth.forget(account.secretRef);
  }

  /** The login for SMTP AUTH, or undefined for an account that sends without AUTH. */
  async credentials(account: Account): Promise<SmtpCredentials | undefined> {
    if (!account.username) return undefined;
    if (account.oauth) return { kind: 'oauth2', user: account.username, accessToken: await this.oauth.accessToken(account) };
    switch (account.secretSource) {
      case 'command':
        return { kind: 'password', user: account.username, pass: await runPasswordCommand(account.passwordCommand ?? '') };
      case 'keychain': {
        const pass = await this.secrets.get(account.secretRef);
        if (pass === null) {
          throw new AppError('keychain_unavailable', `The password for account "${account.name}" is not in the system keychain. Enter it again in the account's settings.`);
        }
        return { kind: 'password', user: account.username, pass };
      }
      case 'none':
        return undefined;
    }
  }

  /** Where and how to connect for this account: what sending and the connection test both use. */
  async target(account: Account): Promise<SubmitTarget> {
    return { host: account.host, port: account.port, security: account.security, pin: account.pin, credentials: await this.credentials(account) };
  }

  /** The connection test with the account's saved settings. */
  async test(id: number): Promise<ConnectionTestView> {
    return probe(await this.target(this.get(id)), { extraCaCertificates: this.options.extraCaCertificates ?? [] });
  }

  /**
   * The pin for the fingerprint the user gave: the one already stored (same fingerprint, same
   * server), or the certificate the server presents now — only if its fingerprint is that one.
   */
  private async pinFor(given: string, server: Pick<Account, 'host' | 'port' | 'security'>, existing: Account | undefined): Promise<Pin> {
    const { host, port, security } = server;
    if (security === 'none') throw invalid('tlsFingerprint', 'A certificate can only be pinned for a TLS or STARTTLS connection.');
    const fingerprint = normaliseFingerprint(given);
    if (existing?.pin && existing.pin.fingerprint === fingerprint && existing.host === host && existing.port === port) return existing.pin;
    let presented;
    try {
      presented = await fetchCertificate({ host, port, security });
    } catch (cause) {
      throw new AppError('smtp_unreachable', `Could not fetch the certificate of ${host}:${port} to pin it: ${(cause as Error).message}`, {
        field: 'tlsFingerprint', cause,
      });
    }
    if (presented.fingerprint !== fingerprint) {
      throw new AppError('smtp_tls', `${host}:${port} presents a certificate with SHA-256 fingerprint ${presented.fingerprint}, not ${fingerprint}. Nothing was pinned.`, {
        field: 'tlsFingerprint',
      });
    }
    return { fingerprint, certificate: presented.pem };
  }

  private saveIdentities(accountId: number, identities: { id: number | null; email: string; display_name: string; reply_to: string | null; signature: string }[]): void {
    const kept = identities.flatMap((i) => (i.id === null ? [] : [i.id]));
    this.sql(`DELETE FROM identities WHERE account_id = ? AND id NOT IN (SELECT value FROM json_each(?))`).run(accountId, JSON.stringify(kept));
    const update = this.sql('UPDATE identities SET email=@email, display_name=@display_name, reply_to=@reply_to, signature=@signature WHERE id=@id AND account_id=@account_id');
    const insert = this.sql('INSERT INTO identities (account_id, email, display_name, reply_to, signature) VALUES (@account_id, @email, @display_name, @reply_to, @signature)');
    for (const identity of identities) {
      const row = { ...identity, account_id: accountId };
      if (identity.id === null || update.run(row).changes === 0) insert.run(row);
    }
  }

  private markDefault(id: number): void {
    this.sql('UPDATE accounts SET is_default = 0 WHERE is_default = 1 AND id != ?').run(id);
    this.sql('UPDATE accounts SET is_default = 1 WHERE id = ?').run(id);
  }

  /** Exactly one account is the default while there is any: the oldest one takes over. */
  private ensureDefault(): void {
    this.sql('UPDATE accounts SET is_default = 1 WHERE id = (SELECT min(id) FROM accounts) AND NOT EXISTS (SELECT 1 FROM accounts WHERE is_default = 1)').run();
  }

  private toAccount(row: AccountRow): Account {
    const identities = (this.sql('SELECT * FROM identities WHERE account_id = ? ORDER BY id').all(row.id) as IdentityRow[]).map(toIdentity);
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
      tlsFingerprint: row.tls_fingerprint,
      isDefault: row.is_default === 1,
      replyTo: row.reply_to,
      signature: row.signature,
      identities,
      createdAt: new Date(row.created_at).toISOString(),
      secretRef: row.secret_ref,
      pin: row.tls_fingerprint && row.tls_certificate ? { fingerprint: row.tls_fingerprint, certificate: row.tls_certificate } : null,
    };
  }
}

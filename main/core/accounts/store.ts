import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import type { z } from 'zod';
import type { AccountInput, AccountView, Security } from '../../../preload/contract.ts';
import type { Db } from '../db/index.ts';
import { parseMailbox } from '../compose/address.ts';
import { AppError, invalid, notFound } from '../errors.ts';
import { runPasswordCommand, type SecretStore } from './secrets.ts';

/** The validated input the API hands over (the contract's AccountInput after parsing). */
export type AccountFields = z.output<typeof AccountInput>;

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
  paused_reason: string | null;
  max_per_minute: number;
  max_connections: number;
  retry_days: number;
  created_at: number;
  updated_at: number;
}

export interface Account extends AccountView {
  secretRef: string;
}

export interface Credentials {
  user: string;
  pass: string;
}

const HOSTNAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$/;

const toAccount = (row: AccountRow): Account => ({
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
  pausedReason: row.paused_reason,
  maxPerMinute: row.max_per_minute,
  maxConnections: row.max_connections,
  retryDays: row.retry_days,
  createdAt: new Date(row.created_at).toISOString(),
  secretRef: row.secret_ref,
});

/** Strip what the renderer must never hold. */
export const toAccountView = ({ secretRef: _secretRef, ...view }: Account): AccountView => view;

export class AccountStore {
  private readonly db: Db;
  private readonly secrets: SecretStore;

  constructor(db: Db, secrets: SecretStore) {
    this.db = db;
    this.secrets = secrets;
  }

  list(): Account[] {
    return (this.db.prepare('SELECT * FROM accounts ORDER BY name COLLATE NOCASE').all() as AccountRow[]).map(toAccount);
  }

  get(id: number): Account {
    const row = this.db.prepare('SELECT * FROM accounts WHERE id = ?').get(id) as AccountRow | undefined;
    if (!row) throw notFound(`There is no account with id ${id}; it may have been removed.`);
    return toAccount(row);
  }

  /** By name (as the CLI's --account) or by numeric id. */
  find(nameOrId: string): Account {
    const row = this.db.prepare('SELECT * FROM accounts WHERE name = ? COLLATE NOCASE').get(nameOrId) as AccountRow | undefined;
    if (row) return toAccount(row);
    if (/^\d+$/.test(nameOrId)) return this.get(Number(nameOrId));
    const names = this.list().map((a) => a.name);
    throw notFound(
      `There is no account named "${nameOrId}". ${names.length ? `Accounts: ${names.join(', ')}.` : 'Add one first with `outbound account add`.'}`,
    );
  }

  /** Create (no id) or update an account. The password goes to the keychain before the row is written. */
  async save(fields: AccountFields): Promise<Account> {
    const existing = fields.id === undefined ? undefined : this.get(fields.id);
    const email = parseMailbox('email', fields.email).address;
    const host = fields.host.toLowerCase();
    if (!HOSTNAME.test(host) && !isIP(host)) throw invalid('host', `Server "${fields.host}" is not a valid host name or IP address.`);
    const clash = this.db.prepare('SELECT id FROM accounts WHERE name = ? COLLATE NOCASE').get(fields.name) as { id: number } | undefined;
    if (clash && clash.id !== existing?.id) throw new AppError('conflict', `An account named "${fields.name}" already exists.`, { field: 'name' });

    const username = fields.username?.trim() || null;
    const passwordCommand = fields.passwordCommand?.trim() || null;
    const password = fields.password || null;
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

    const secretRef = existing?.secretRef ?? randomUUID();
    if (source === 'keychain' && password) await this.secrets.set(secretRef, password);
    const now = Date.now();
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
      max_per_minute: fields.maxPerMinute,
      max_connections: fields.maxConnections,
      retry_days: fields.retryDays,
      now,
    };
    let id: number;
    if (existing) {
      this.db
        .prepare(
          `UPDATE accounts SET name=@name, email=@email, display_name=@display_name, host=@host, port=@port, security=@security,
             username=@username, secret_source=@secret_source, password_command=@password_command, max_per_minute=@max_per_minute,
             max_connections=@max_connections, retry_days=@retry_days, paused_reason=NULL, updated_at=@now WHERE id=@id`,
        )
        .run({ ...values, id: existing.id });
      id = existing.id;
    } else {
      const result = this.db
        .prepare(
          `INSERT INTO accounts (name, email, display_name, host, port, security, username, secret_source, secret_ref, password_command,
             max_per_minute, max_connections, retry_days, created_at, updated_at)
           VALUES (@name, @email, @display_name, @host, @port, @security, @username, @secret_source, @secret_ref, @password_command,
             @max_per_minute, @max_connections, @retry_days, @now, @now)`,
        )
        .run(values);
      id = Number(result.lastInsertRowid);
    }
    // A password no longer used must not linger in the keychain.
    if (existing?.secretSource === 'keychain' && source !== 'keychain') await this.secrets.delete(secretRef);
    return this.get(id);
  }

  /** Stop sending for this account until it is saved again (new credentials): the reason is shown to the user. */
  pause(id: number, reason: string): void {
    this.db.prepare('UPDATE accounts SET paused_reason = ? WHERE id = ?').run(reason, id);
  }

  /** Remove an account; refused while it still has mail waiting to go out. Its Sent history stays. */
  async remove(id: number): Promise<void> {
    const account = this.get(id);
    const { waiting } = this.db
      .prepare(`SELECT count(*) AS waiting FROM messages WHERE account_id = ? AND state IN ('queued', 'sending', 'failed', 'uncertain')`)
      .get(id) as { waiting: number };
    if (waiting > 0) {
      throw new AppError(
        'conflict',
        `Account "${account.name}" still has ${waiting} message${waiting === 1 ? '' : 's'} in the outbox. Send or cancel ${waiting === 1 ? 'it' : 'them'} first.`,
      );
    }
    this.db.prepare('DELETE FROM accounts WHERE id = ?').run(id);
    if (account.secretSource === 'keychain') await this.secrets.delete(account.secretRef);
  }

  /** The login for SMTP AUTH, or undefined for an account that sends without AUTH. */
  async credentials(account: Account): Promise<Credentials | undefined> {
    if (!account.username) return undefined;
    switch (account.secretSource) {
      case 'command':
        return { user: account.username, pass: await runPasswordCommand(account.passwordCommand ?? '') };
      case 'keychain': {
        const pass = await this.secrets.get(account.secretRef);
        if (pass === null) {
          throw new AppError('keychain_unavailable', `The password for account "${account.name}" is not in the system keychain. Enter it again in the account's settings.`);
        }
        return { user: account.username, pass };
      }
      case 'none':
        return undefined;
    }
  }
}


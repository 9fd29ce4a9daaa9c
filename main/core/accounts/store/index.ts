/**
 * The accounts: their rows and identities (no secrets: those are in the keychain, or come from a
 * password command), the pinned certificate of each server, which one is the default.
 *
 * AccountStore is the one door the rest of the core uses; each method is the job of the same name,
 * in the file of its kind, working on the store's shared handle (handle.ts). An account's unsent mail
 * is changed only through the outbox store (remove.ts asks it to cancel or move it).
 */
import type { AccountView, ConnectionTestView } from '../../../../preload/common/contract/index.ts';
import type { Db } from '../../db/index.ts';
import type { ImapTarget } from '../../imap/client.ts';
import type { OutboxStore } from '../../outbox/store/index.ts';
import type { SubmitTarget } from '../../smtp/submit.ts';
import { OAuth } from '../oauth.ts';
import type { SecretStore } from '../secrets.ts';
import * as connection from './connection.ts';
import * as defaults from './defaults.ts';
import { AccountsDb } from './handle.ts';
import * as pins from './pin.ts';
import * as records from './records.ts';
import * as removal from './remove.ts';
import type { Account, AccountFields, SignInFields } from './rows.ts';
import * as saving from './save.ts';
import * as views from './views.ts';

export type { Account, AccountFields, SignInFields } from './rows.ts';

export interface AccountStoreOptions {
  /** PEM certificates trusted besides the system's (an enterprise CA; the tests' CA). */
  extraCaCertificates?: readonly string[];
  /** OAuth2 sign-in and the access-token cache (default: one with no browser, which can only refresh). */
  oauth?: OAuth;
}

export class AccountStore {
  private readonly h: AccountsDb;

  constructor(db: Db, secrets: SecretStore, outbox: OutboxStore, options: AccountStoreOptions = {}) {
    this.h = new AccountsDb(db, secrets, outbox, options.oauth ?? new OAuth(secrets), options.extraCaCertificates ?? []);
  }

  // Reading (records.ts) and what the renderer may see (views.ts).
  list(): Account[] {
    return records.list(this.h);
  }
  get(id: number): Account {
    return records.get(this.h, id);
  }
  find(nameOrId: string): Account {
    return records.find(this.h, nameOrId);
  }
  view(account: Account): AccountView {
    return views.view(this.h, account);
  }
  views(): AccountView[] {
    return views.views(this.h);
  }

  // Saving (save.ts), and the changes of one thing only: the default (defaults.ts), the pin (pin.ts).
  signIn(input: SignInFields): Promise<Account> {
    return saving.signIn(this.h, input);
  }
  save(fields: AccountFields): Promise<Account> {
    return saving.save(this.h, fields);
  }
  makeDefault(id: number): Account {
    return defaults.makeDefault(this.h, id);
  }
  trustCertificate(id: number, fingerprint: string): Promise<Account> {
    return pins.trustCertificate(this.h, id, fingerprint);
  }
  remove(id: number, options?: removal.RemoveOptions): Promise<void> {
    return removal.remove(this.h, id, options);
  }

  // Connecting: for the sender and the connection test (connection.ts).
  target(account: Account): Promise<SubmitTarget> {
    return connection.target(this.h, account);
  }
  test(id: number): Promise<ConnectionTestView> {
    return connection.test(this.h, id);
  }
  testSettings(fields: AccountFields): Promise<ConnectionTestView> {
    return connection.testSettings(this.h, fields);
  }
  pause(id: number, reason: string): void {
    connection.pause(this.h, id, reason);
  }

  // The copy in Sent (connection.ts): where IMAP is, and what a copy found out about it.
  imapTarget(account: Account): Promise<ImapTarget> {
    return connection.imapTarget(this.h, account);
  }
  rememberSentFolder(id: number, folder: string): void {
    connection.rememberSentFolder(this.h, id, folder);
  }
  rememberFilesSent(id: number, filesItself: boolean): void {
    connection.rememberFilesSent(this.h, id, filesItself);
  }
}

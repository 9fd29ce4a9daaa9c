/** What every job of the account store works with: one per store, shared by them all. */
import type { Statement } from 'better-sqlite3';
import { statements, type Db } from '../../db/index.ts';
import type { OutboxStore } from '../../outbox/store/index.ts';
import type { OAuth } from '../oauth.ts';
import type { SecretStore } from '../secrets.ts';

export class AccountsDb {
  readonly db: Db;
  /** Prepared statements by their SQL text. */
  readonly sql: (sql: string) => Statement;
  /** Where passwords and refresh tokens are kept. */
  readonly secrets: SecretStore;
  /** OAuth2 sign-in and the access-token cache. */
  readonly oauth: OAuth;
  /** The only writer of messages: an account's removal asks it to cancel or move the account's mail. */
  readonly outbox: OutboxStore;
  /** PEM certificates trusted besides the system's (an enterprise CA; the tests' CA). */
  readonly extraCaCertificates: readonly string[];

  constructor(db: Db, secrets: SecretStore, outbox: OutboxStore, oauth: OAuth, extraCaCertificates: readonly string[]) {
    this.db = db;
    this.sql = statements(db);
    this.secrets = secrets;
    this.outbox = outbox;
    this.oauth = oauth;
    this.extraCaCertificates = extraCaCertificates;
  }
}

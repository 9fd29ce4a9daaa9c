/**
 * The test inbox (issue 18): an SMTP server of Outbound's own on 127.0.0.1 and a real account that
 * sends to it, so a newcomer can send at once. It runs while a core on the data directory runs (the
 * app, the daemon, a CLI command); its password is in the keychain, or in this process's memory
 * where there is none (`secrets` below).
 */
import { randomBytes, X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { AccountInput, type TestInboxFault, type TestInboxView } from '../../../preload/common/contract/index.ts';
import type { AccountStore } from '../accounts/store/index.ts';
import type { Account } from '../accounts/store/rows.ts';
import type { SecretStore } from '../accounts/secrets.ts';
import { AppError } from '../app-error.ts';
import type { Db } from '../db/index.ts';
import { testInboxCertificate, type KeyPair } from './certificate.ts';
import { listen, TEST_INBOX_USER, type Listening } from './server.ts';
import { TestInboxStore } from './store.ts';

export { TestInboxStore } from './store.ts';

/**
 * The keychain, and where it cannot keep the test inbox's password, this process's memory: the
 * server and the account that sends to it are in the same process, so both find it.
 */
export class SecretsWithMemory implements SecretStore {
  private readonly keychain: SecretStore;
  private readonly memory = new Map<string, string>();
  private readonly mayForget = new Set<string>();

  constructor(keychain: SecretStore) {
    this.keychain = keychain;
  }

  /** `secret` may live in memory alone when the keychain refuses it. */
  allowInMemory(secret: string): void {
    this.mayForget.add(secret);
  }

  async get(ref: string): Promise<string | null> {
    return this.memory.get(ref) ?? this.keychain.get(ref);
  }

  async set(ref: string, secret: string): Promise<void> {
    try {
      await this.keychain.set(ref, secret);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'keychain_unavailable' && this.mayForget.has(secret))) throw error;
      this.memory.set(ref, secret);
    }
  }

  async delete(ref: string): Promise<void> {
    this.memory.delete(ref);
    await this.keychain.delete(ref);
  }

  /** The secret under `ref`, or a new one kept in memory when the keychain has none to give. */
  async getOrMake(ref: string): Promise<string> {
    const kept = await this.get(ref).catch(() => null);
    if (kept) return kept;
    const made = newPassword();
    this.memory.set(ref, made);
    return made;
  }
}

const newPassword = () => randomBytes(18).toString('base64url');

export class TestInbox {
  readonly store: TestInboxStore;
  private readonly accounts: AccountStore;
  private readonly secrets: SecretsWithMemory;
  /** Told of each message received, an emptying, a fault set. */
  private readonly changed: () => void;
  private listening: Listening | undefined;
  private starting: Promise<void> | undefined;
  private pair: Promise<KeyPair> | undefined;

  constructor(db: Db, home: string, accounts: AccountStore, secrets: SecretsWithMemory, changed: () => void) {
    this.store = new TestInboxStore(db, join(home, 'test-inbox'));
    this.accounts = accounts;
    this.secrets = secrets;
    this.changed = changed;
  }

  status(): TestInboxView {
    const config = this.store.config();
    return { accountId: config?.accountId ?? null, running: this.listening !== undefined, port: config?.port ?? null, fault: config?.fault ?? 'none' };
  }

  /** Once per data directory: the server started, and its account saved (pinned, signing in). Again: that account. */
  async create(name = 'Test inbox'): Promise<Account> {
    const existing = this.store.config();
    if (existing) return this.accounts.get(existing.accountId);
    const password = newPassword();
    this.secrets.allowInMemory(password);
    const pair = await this.keyPair();
    const listening = await this.listenWith(0, password);
    const account = await this.accounts
      .save(
        AccountInput.parse({
          name,
          email: 'you@test-inbox.localhost',
          displayName: 'You',
          host: '127.0.0.1',
          port: listening.port,
          security: 'starttls',
          username: TEST_INBOX_USER,
          password,
          tlsFingerprint: new X509Certificate(pair.cert).fingerprint256,
          sentCopy: 'never',
        }),
      )
      .catch(async (error: unknown) => {
        await this.stop();
        throw error;
      });
    this.store.configure(account.id, listening.port);
    this.changed();
    return account;
  }

  /** On opening: the server, when this data directory has one and it is not set to be away. */
  start(): Promise<void> {
    this.starting ??= this.startListening().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async setFault(fault: TestInboxFault): Promise<TestInboxView> {
    if (!this.store.config()) throw new AppError('not_found', 'There is no test inbox yet: choose "Try it with a test inbox" first.');
    this.store.setFault(fault);
    if (fault === 'away') await this.stop();
    else await this.start();
    this.changed();
    return this.status();
  }

  empty(): void {
    this.store.empty();
    this.changed();
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    const listening = this.listening;
    this.listening = undefined;
    await listening?.close();
  }

  private async startListening(): Promise<void> {
    const config = this.store.config();
    if (!config || config.fault === 'away' || this.listening) return;
    const account = this.accounts.get(config.accountId);
    const password = await this.secrets.getOrMake(account.secretRef);
    try {
      await this.listenWith(config.port, password);
    } catch (error) {
      // Another Outbound on this data directory serves it already (the app while a CLI command runs).
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
    }
  }

  /** Read (or made) once per process. */
  private keyPair(): Promise<KeyPair> {
    this.pair ??= testInboxCertificate(this.store.dir).catch((error: unknown) => {
      this.pair = undefined;
      throw error;
    });
    return this.pair;
  }

  private async listenWith(port: number, password: string): Promise<Listening> {
    this.listening = await listen({
      ...(await this.keyPair()),
      port,
      password,
      fault: () => this.store.config()?.fault ?? 'none',
      onMessage: async (message) => {
        await this.store.keep(message);
        this.changed();
      },
    });
    return this.listening;
  }
}

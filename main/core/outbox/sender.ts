/**
 * The outbox's engine: claims due messages one at a time, submits the frozen bytes, records the
 * outcome, and sleeps until the next message falls due. Several engines (the app, the CLI) may run
 * on one data directory: the lease in `OutboxStore.claim` keeps each message to one of them.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { MessageView } from '../../../preload/contract.ts';
import type { AccountStore } from '../accounts/store.ts';
import { AppError } from '../errors.ts';
import { submit, type SubmitOptions, type SubmitResult } from '../smtp/submit.ts';
import { DEFAULT_RETRY_POLICY, judge, type RetryPolicy } from './judge.ts';
import type { MessageRow, OutboxStore } from './store.ts';

export interface SenderOptions {
  submit?: Omit<SubmitOptions, 'onStage'>;
  retry?: RetryPolicy;
  leaseMs?: number;
  /** Where unexpected errors go (never message content or secrets). */
  log?: (line: string) => void;
}

const MAX_SLEEP_MS = 60_000;

export class OutboxSender {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly store: OutboxStore;
  private readonly accounts: AccountStore;
  private readonly options: SenderOptions;
  private readonly leaseMs: number;
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;

  constructor(store: OutboxStore, accounts: AccountStore, options: SenderOptions = {}) {
    this.store = store;
    this.accounts = accounts;
    this.options = options;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
  }

  /** Send in the background from now on: due messages now, later ones when they fall due. */
  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Look at the queue now (after an enqueue, when the network returns, on resume from sleep). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.pass({}).catch((error: unknown) => this.log(error)).finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      } else {
        this.sleep();
      }
    });
  }

  /** Attempt every queued message now, ignoring backoff (as `postqueue -f`); resolves when each has an outcome. */
  async flush(): Promise<void> {
    await this.running;
    await this.pass({ flush: true });
  }

  /** Attempt one message now and resolve with how it ended. */
  async sendNow(id: number): Promise<MessageView> {
    const row = this.store.claim(this.owner, Date.now(), Date.now() + this.leaseMs, { id });
    if (!row) {
      const { state } = this.store.row(id);
      if (state !== 'sending') throw new AppError('conflict', `Message ${id} is ${state}, not queued.`);
      return this.store.view(id); // another process holds it
    }
    await this.attempt(row);
    return this.store.view(id);
  }

  private log(error: unknown): void {
    (this.options.log ?? console.error)(`outbound: the sender stopped a pass: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async pass(by: { flush?: boolean }): Promise<void> {
    this.store.recoverExpiredLeases();
    for (;;) {
      if (this.stopped && !by.flush) return;
      const now = Date.now();
      const row = this.store.claim(this.owner, now, now + this.leaseMs, by);
      if (!row) return;
      await this.attempt(row);
    }
  }

  private sleep(): void {
    if (this.stopped) return;
    const due = this.store.nextDue();
    const wait = due === undefined ? MAX_SLEEP_MS : Math.min(Math.max(due - Date.now(), 0), MAX_SLEEP_MS);
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  private async attempt(row: MessageRow): Promise<void> {
    const startedAt = Date.now();
    const recipients = this.store.recipientsToTry(row.id);
    const renew = setInterval(() => this.store.renewLease(row.id, this.owner, Date.now() + this.leaseMs), this.leaseMs / 3);
    renew.unref();
    try {
      const result = await this.submitRow(row, recipients);
      this.store.finish(row, startedAt, judge(result, { attempts: row.attempts, createdAt: row.created_at, recipients }, this.options.retry ?? DEFAULT_RETRY_POLICY, Date.now()));
    } finally {
      clearInterval(renew);
    }
  }

  private async submitRow(row: MessageRow, recipients: string[]): Promise<SubmitResult> {
    const localFailure = (message: string): SubmitResult => ({
      stage: 'connect', transcript: '', bodyWritten: false, accepted: [], rejected: [], failure: { kind: 'local', code: null, message },
    });
    if (row.account_id === null) return localFailure('The account of this message was removed.');
    try {
      const account = this.accounts.get(row.account_id);
      const credentials = await this.accounts.credentials(account);
      return await submit(
        { host: account.host, port: account.port, security: account.security, credentials },
        { from: row.envelope_from, to: recipients },
        this.store.fileOf(row),
        // Only the body's start decides how a crash is judged: persist that one (each write is an fsync).
        { ...this.options.submit, onStage: (stage) => stage === 'body' && this.store.recordStage(row.id, stage) },
      );
    } catch (error) {
      if (error instanceof AppError) return localFailure(error.message);
      throw error;
    }
  }
}

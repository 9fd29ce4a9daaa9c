/**
 * The outbox's engine: workers claim due messages, submit the frozen bytes, record the outcome, and
 * the engine sleeps until the next message falls due. Several engines (the app, the CLI) may run on
 * one data directory: the lease in `OutboxStore.claim` keeps each message to one of them, and the
 * per-account limits are counted in the shared database.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { MessageView, SmtpCapabilities } from '../../../preload/common/contract/index.ts';
import type { Account, AccountStore } from '../accounts/store/index.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../app-error.ts';
import { deliveryReportDropped, deliveryReportOf, envelopeDsn } from '../compose/delivery-report.ts';
import { capabilitiesOf } from '../smtp/probe.ts';
import { SmtpSession, type MessageHooks, type SubmitOptions, type SubmitResult } from '../smtp/submit.ts';
import { Connectivity } from './connectivity.ts';
import { DEFAULT_RETRY_POLICY, judge, type RetryPolicy } from './judge.ts';
import type { AttemptOutcome, Claimed, FinishedAttempt, MessageRow, OutboxStore } from './store/index.ts';

export interface SenderOptions {
  submit?: Omit<SubmitOptions, keyof MessageHooks>;
  /** Bytes of a message's frozen file handed to the server so far, of its size. */
  onProgress?: (id: number, sent: number, total: number) => void;
  /** Backoff and network-retry delays; how long to keep trying is each account's retryDays. */
  retry?: Partial<Omit<RetryPolicy, 'maxQueueLifetimeMs'>>;
  leaseMs?: number;
  /** Messages in flight at once (each account is further capped by its maxConnections). */
  workers?: number;
  probeEveryMs?: number;
  onConnectivity?: (online: boolean) => void;
  /** What a server announced in EHLO on a new connection (its SIZE limit, SMTPUTF8), for the composer's checks. */
  onCapabilities?: (accountId: number, capabilities: SmtpCapabilities) => void;
  /** Where unexpected errors go (never message content or secrets). */
  log?: (line: string) => void;
  /**
   * The longest the sender sleeps before looking at the queue again (default a minute): mail another
   * process queued is seen by then. `outbound daemon` looks more often.
   */
  maxSleepMs?: number;
  /** Before a new connection: what must be up first (the test inbox's server, when this process hosts it). */
  beforeConnect?: () => Promise<void>;
}

const MAX_SLEEP_MS = 60_000;
/** Due messages held back by a rate limit are looked at again this soon. */
const LIMITED_RETRY_MS = 1_000;
const HOST = hostname();

/**
 * A connection claims about this much sending time's worth of its account's due messages at once:
 * one transaction for several messages on a fast server, one message at a time on a slow one.
 */
const CLAIM_AHEAD_MS = 50;
const MAX_CLAIM_AHEAD = 16;
/**
 * Sent outcomes a connection carries before committing them, while its next message's body is with
 * the server (durable with the following body mark); the next claim commits any it still carries.
 * Not durable at a crash, they are judged `uncertain`: at most this many delivered messages per
 * connection, sent in its last ~50 ms, would ask the user to check.
 */
const MAX_CARRIED = 4;

/** One sending connection: the lease owner it claims as, and its open session, reused for the same account's next message. */
interface Worker {
  owner: string;
  /** The session's account, read once as the session opened. */
  account?: Account;
  session?: SmtpSession;
  /** Recent milliseconds per message on this connection. */
  msPerMessage?: number;
}

export class OutboxSender {
  readonly owner = `${HOST}:${process.pid}:${randomUUID().slice(0, 8)}`;
  readonly connectivity: Connectivity;
  private readonly store: OutboxStore;
  private readonly accounts: AccountStore;
  private readonly options: SenderOptions;
  private readonly leaseMs: number;
  /** What due times, backoff and leases go by: the store's. */
  private readonly clock: Clock;
  private running: Promise<void> | undefined;
  private again = false;
  /** Cancels the wake-up for the next message due. */
  private cancelWake: (() => void) | undefined;
  private stopped = true;
  /** Connections opened so far, for their lease owners. */
  private connections = 0;

  constructor(store: OutboxStore, accounts: AccountStore, options: SenderOptions = {}) {
    this.store = store;
    this.accounts = accounts;
    this.options = options;
    this.clock = store.clock;
    this.leaseMs = options.leaseMs ?? 5 * 60_000;
    this.connectivity = new Connectivity({
      targets: () =>
        store.accountsWaitingForNetwork().flatMap((id) => {
          try {
            const { host, port } = accounts.get(id);
            return [{ host, port }];
          } catch {
            return [];
          }
        }),
      onChange: (online) => {
        if (online) {
          store.networkBack();
          this.kick();
        }
        options.onConnectivity?.(online);
      },
      ...(options.probeEveryMs ? { probeEveryMs: options.probeEveryMs } : {}),
    });
  }

  /** Send in the background from now on: due messages now, later ones when they fall due. */
  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Look at the queue now (after an enqueue, when the network may be back, on resume from sleep). */
  kick(): void {
    if (this.stopped) return;
    void this.connectivity.probeNow();
    if (this.running) {
      this.again = true;
      return;
    }
    this.cancelWake?.();
    this.running = this.pass({})
      .catch((error: unknown) => this.log('the sender stopped a pass', error))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        } else {
          this.sleep();
        }
      });
  }

  /**
   * Resolves once the sender is idle: no pass running and none asked for. With a test's clock, after
   * a kick or a wake-up it fired, what was due then has had its attempt.
   */
  async settled(): Promise<void> {
    while (this.running) await this.running;
  }

  /** Attempt every queued message now, ignoring backoff (as `postqueue -f`); resolves when each has an outcome. */
  async flush(): Promise<void> {
    await this.running;
    await this.pass({ flush: true });
  }

  /** Attempt one message now and resolve with how it ended. */
  async sendNow(id: number): Promise<MessageView> {
    const now = this.clock.now();
    this.store.recoverExpiredLeases(now, isDeadOwner);
    const worker = this.worker();
    const [claimed] = this.store.claim(worker.owner, now, now + this.leaseMs, { id });
    if (!claimed) {
      const { state } = this.store.row(id);
      if (state === 'sending') return this.store.view(id); // another process holds it
      if (state === 'queued') return this.store.view(id); // held back by the account's pause or limits
      throw new AppError('conflict', `Message ${id} is ${state}, not queued.`);
    }
    const stopRenewing = this.keepLeases(worker);
    try {
      const carried: FinishedAttempt[] = [];
      await this.attempt(claimed, worker, carried);
      if (carried.length) this.leaseLost(this.store.finish(carried));
    } finally {
      stopRenewing();
      worker.session?.close();
    }
    return this.store.view(id);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWake?.();
    this.connectivity.stop();
    await this.running;
  }

  private async pass(by: { flush?: boolean }): Promise<void> {
    this.store.recoverExpiredLeases(this.clock.now(), isDeadOwner);
    const work = async () => {
      const worker = this.worker();
      const stopRenewing = this.keepLeases(worker);
      /** Claimed messages waiting their turn on this connection. */
      let held: Claimed[] = [];
      /** Sent outcomes this connection carries: committed while a later message is with the server, or with the next claim (or below). */
      let carried: FinishedAttempt[] = [];
      const release = () => {
        if (held.length)
          this.store.release(
            worker.owner,
            held.map((c) => c.row.id),
          );
        held = [];
      };
      try {
        for (;;) {
          release();
          if (this.stopped && !by.flush) return;
          const now = this.clock.now();
          const limit = Math.max(1, Math.min(MAX_CLAIM_AHEAD, Math.floor(CLAIM_AHEAD_MS / (worker.msPerMessage ?? CLAIM_AHEAD_MS))));
          // Prefer the account whose connection is open: one connection carries its messages in turn.
          held = this.store.claim(worker.owner, now, now + this.leaseMs, {
            ...by,
            prefer: worker.account?.id,
            finishing: carried,
            leaseLost: (lost) => this.leaseLost(lost),
            limit,
          });
          if (held.length === 0) return;
          carried = []; // the claim committed them
          while (held.length) {
            if (this.stopped && !by.flush) return; // `finally` gives back what is still held
            // Not sent: its account may be paused now, or its server down, or the lease lost; the rest go back, and the next claim decides afresh.
            if ((await this.attempt(held.shift()!, worker, carried)) !== 'sent') break;
          }
        }
      } finally {
        stopRenewing();
        release();
        if (carried.length) this.leaseLost(this.store.finish(carried));
        worker.session?.close();
        await this.store.sync(); // outcomes recorded while a body was with the server
      }
    };
    await Promise.all(Array.from({ length: this.options.workers ?? 4 }, work));
  }

  /**
   * A lease owner of its own for each connection, also across passes that overlap (a flush while a
   * background pass runs) and sendNow calls at once: no connection can record over another's claim,
   * and each counts towards max_connections.
   */
  private worker(): Worker {
    this.connections += 1;
    return { owner: `${this.owner}/${this.connections}` };
  }

  /** Renews the leases of every message the worker holds (being sent, or waiting its turn) while it works; returns what stops it. */
  private keepLeases(worker: Worker): () => void {
    let cancel: () => void;
    const renewLater = () => {
      cancel = this.clock.setTimer(() => {
        this.store.renewLeases(worker.owner, this.clock.now() + this.leaseMs);
        renewLater();
      }, this.leaseMs / 3);
    };
    renewLater();
    return () => cancel();
  }

  private sleep(): void {
    if (this.stopped) return;
    const due = this.store.nextDue();
    const now = this.clock.now();
    const longest = this.options.maxSleepMs ?? MAX_SLEEP_MS;
    const wait = due === undefined ? longest : due <= now ? LIMITED_RETRY_MS : Math.min(due - now, longest);
    this.cancelWake = this.clock.setTimer(() => this.kick(), wait);
  }

  /**
   * One attempt. A sent outcome on a connection that stays open joins `carried`, which the connection
   * commits while a later message is with the server, or with its next claim; every other outcome is
   * committed here. 'lost': the message's lease passed on meanwhile, and this attempt recorded nothing.
   */
  private async attempt({ row, recipients }: Claimed, worker: Worker, carried: FinishedAttempt[]): Promise<AttemptOutcome['state'] | 'lost'> {
    const startedAt = this.clock.now();
    const started = performance.now(); // how long sending takes, for claiming ahead: the real time, whatever the clock says
    const account = this.accountOf(row, worker);
    const hooks: MessageHooks = {
      beforeBody: async () => {
        // Rejecting keeps the end of data from being sent: the message is no longer this connection's to deliver.
        if (!(await this.store.markBodyStarted(row))) throw new Error(`message ${row.id} was taken over: no end of data`);
      },
      // While the server takes the message in, so that neither the body mark nor the end of data waits for them.
      afterBody: () => {
        if (carried.length < MAX_CARRIED) return;
        const outcomes = carried.splice(0);
        try {
          this.leaseLost(this.store.recordSent(outcomes));
        } catch (error) {
          carried.unshift(...outcomes); // committed with the next claim, or on their own at the end
          this.log('sent outcomes could not be recorded yet', error);
        }
      },
    };
    const result = account ? await this.submitRow(row, account, recipients, worker, hooks) : localFailure('The account of this message was removed.');
    const policy: RetryPolicy = {
      ...DEFAULT_RETRY_POLICY,
      ...this.options.retry,
      ...(account ? { maxQueueLifetimeMs: account.retryDays * 86_400_000 } : {}),
    };
    const outcome = judge(result, { attempts: row.attempts, createdAt: row.created_at, recipients }, policy, this.clock.now());
    this.noteConnectivity(result);
    if (result.failure?.kind === 'auth' && account) {
      this.accounts.pause(account.id, `Sending is paused: ${result.failure.message} Save the account with the right credentials to resume.`);
    }
    const took = performance.now() - started;
    worker.msPerMessage = worker.msPerMessage === undefined ? took : 0.8 * worker.msPerMessage + 0.2 * took;
    const finished = { row, startedAt, outcome };
    if (outcome.state === 'sent' && worker.session?.open) carried.push(finished);
    else if (this.leaseLost(this.store.finish([finished]))) return 'lost';
    return outcome.state;
  }

  /**
   * Outcomes not recorded because their lease had passed on (expired while this process stalled, and
   * taken over): what the new owner, or the recovery and then the user, made of the message stands.
   * Said without payload; true if there were any.
   */
  private leaseLost(lost: readonly FinishedAttempt[]): boolean {
    for (const { row, outcome } of lost) {
      this.log(`message ${row.id}: this attempt's outcome (${outcome.state}) was not recorded: its lease had expired and the message was taken over`);
    }
    return lost.length > 0;
  }

  private noteConnectivity(result: SubmitResult): void {
    const kind = result.failure?.kind;
    const unreachable = (kind === 'network' || kind === 'timeout') && (result.stage === 'connect' || result.stage === 'greeting');
    if (unreachable) this.connectivity.failed();
    else if (kind !== 'local') this.connectivity.reached();
  }

  /** The message's account: the one the worker's open connection belongs to, or read afresh for a new connection. */
  private accountOf(row: MessageRow, worker: Worker): Account | undefined {
    if (row.account_id === null) return undefined;
    if (worker.account?.id === row.account_id && worker.session?.open) return worker.account;
    return this.accounts.get(row.account_id);
  }

  private async submitRow(row: MessageRow, account: Account, recipients: string[], worker: Worker, hooks: MessageHooks): Promise<SubmitResult> {
    try {
      if (worker.account !== account || !worker.session) {
        worker.session?.close();
        await this.options.beforeConnect?.();
        // Host, security, credentials and any pinned certificate: sending and the connection test alike.
        worker.session = new SmtpSession(await this.accounts.target(account), this.options.submit);
        worker.account = account;
      }
      const fresh = !worker.session.open;
      const report = deliveryReportOf(row.delivery_report);
      const envelope = { from: row.envelope_from, to: recipients, ...(report && { dsn: envelopeDsn(report, row.message_id) }) };
      const result = await worker.session.send(envelope, this.store.fileOf(row), {
        ...hooks,
        onProgress: (sent, total) => this.options.onProgress?.(row.id, sent, total),
      });
      if (result.failure) worker.session.close();
      if (report && deliveryReportDropped(result.transcript)) this.store.deliveryReportDropped(row.id);
      const capabilities = fresh ? capabilitiesOf(result.transcript.split('\n')) : null;
      if (capabilities) this.options.onCapabilities?.(account.id, capabilities);
      return result;
    } catch (error) {
      if (error instanceof AppError) return localFailure(error.message, error.code === 'keychain_unavailable' ? 'keychain' : 'local');
      throw error;
    }
  }

  private log(what: string, error?: unknown): void {
    const detail = error === undefined ? '' : `: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    (this.options.log ?? console.error)(`outbound: ${what}${detail}`);
  }
}

function localFailure(message: string, kind: 'local' | 'keychain' = 'local'): SubmitResult {
  return { stage: 'connect', transcript: '', bodyWritten: false, accepted: [], rejected: [], failure: { kind, code: null, message } };
}

/** A lease held by a process of this machine that no longer exists (it crashed or was killed). */
export function isDeadOwner(owner: string): boolean {
  const [host, pid] = owner.split(':');
  if (host !== HOST || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

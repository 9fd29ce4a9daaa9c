/**
 * The copy in Sent: after a message is recorded sent, its frozen bytes (with a Bcc: header naming
 * the Bcc recipients, which the sent bytes never carry) are appended to the account's IMAP Sent
 * folder, flagged \Seen. Its own job, apart from sending: IMAP away waits with backoff, a message
 * too big for the server fails the copy only. `auto` skips servers that file submitted mail
 * themselves (Gmail's X-GM-EXT-1, or the message found in Sent a few seconds after the first send).
 */
import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { ImapFlow } from 'imapflow';
import type { Account, AccountStore } from '../../accounts/store/index.ts';
import { closeImap, findSentFolder, holdsMessageId, imapFailure, openImap, type ImapOptions } from '../../imap/client.ts';
import type { OutboxStore } from '../store/index.ts';
import { CopyStore, type ClaimedCopy, type CopyOutcome } from './store.ts';

export interface CopierOptions extends ImapOptions {
  /** `auto`, first copy: how long to look for the server's own copy in Sent before appending (default 5 s). */
  lookForMs?: number;
  /** Delays after the 1st, 2nd, … try that found IMAP away; the last one repeats. */
  backoffMs?: readonly number[];
  /** A process of this machine that no longer exists holds no lease (the sender's check). */
  isDeadOwner?: (owner: string) => boolean;
  /** A copy's state changed (for the views). */
  onChanged?: (messageId: number) => void;
  log?: (line: string) => void;
}

const MINUTE = 60_000;
const BACKOFF_MS = [1, 5, 15, 30, 60, 120, 240].map((m) => m * MINUTE);
const LEASE_MS = 5 * MINUTE;
const MAX_SLEEP_MS = MINUTE;
const FILED_ITSELF = 'The server files sent mail in Sent itself.';
/** How long after a message became uncertain its account's Sent folder is looked at for it. */
const SETTLE_FOR_MS = 60 * MINUTE;

export class SentCopier {
  readonly owner = `${hostname()}:${process.pid}:copies-${randomUUID().slice(0, 8)}`;
  private readonly outbox: OutboxStore;
  private readonly accounts: AccountStore;
  private readonly copies: CopyStore;
  private readonly options: CopierOptions;
  /** The passes, one after another: two at once in one process would claim from each other. */
  private passes: Promise<void> = Promise.resolve();
  /** A kicked pass waits in `passes`. */
  private kicked = false;
  private stopped = true;
  private cancelWake: (() => void) | undefined;

  constructor(outbox: OutboxStore, accounts: AccountStore, copies: CopyStore, options: CopierOptions = {}) {
    this.outbox = outbox;
    this.accounts = accounts;
    this.copies = copies;
    this.options = options;
  }

  /** Copying in the background (the app, the daemon); a one-off command copies when it sends or flushes. */
  get background(): boolean {
    return !this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.kick();
  }

  /** Look for due copies now (a message was sent, the network is back): one pass after those already asked for. */
  kick(): void {
    if (this.stopped || this.kicked) return;
    this.kicked = true;
    this.cancelWake?.();
    this.passes = this.passes
      .then(() => {
        this.kicked = false;
        return this.pass({});
      })
      .catch((error: unknown) => this.log('the copier stopped a pass', error))
      .finally(() => {
        if (!this.kicked) this.sleep();
      });
  }

  /** Try every pending copy now, ignoring backoff; resolves when each has had its try (after any pass under way). */
  flush(): Promise<void> {
    const flushed = this.passes.then(() => this.pass({ flush: true }));
    this.passes = flushed.catch(() => undefined); // the caller hears of its own failure
    return flushed;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelWake?.();
    await this.passes;
  }

  retry(id: number): void {
    this.copies.retry(id);
    this.options.onChanged?.(id);
    this.kick();
  }

  private sleep(): void {
    if (this.stopped) return;
    const due = this.copies.nextDue();
    const now = this.outbox.clock.now();
    this.cancelWake = this.outbox.clock.setTimer(() => this.kick(), due === undefined ? MAX_SLEEP_MS : Math.min(Math.max(due - now, 0), MAX_SLEEP_MS));
  }

  private async pass(by: { flush?: boolean }): Promise<void> {
    await this.settleUncertain();
    const isDeadOwner = this.options.isDeadOwner ?? (() => false);
    for (;;) {
      const claimed = this.copies.claim(this.owner, this.outbox.clock.now() + LEASE_MS, { ...by, isDeadOwner });
      if (claimed.length === 0) return;
      for (const [accountId, copies] of Map.groupBy(claimed, (c) => c.accountId)) await this.copyFor(accountId, copies);
      if (by.flush) return; // each pending copy has had its try
    }
  }

  /** One connection for the account's claimed copies. */
  private async copyFor(accountId: number | null, copies: ClaimedCopy[]): Promise<void> {
    let account: Account | undefined;
    try {
      account = accountId === null ? undefined : this.accounts.get(accountId);
    } catch {
      account = undefined;
    }
    const imap = account?.imap;
    if (!account || !imap) return this.recordAll(copies, { state: 'skipped', reason: 'The account no longer has an IMAP server.' });
    if (account.sentCopy === 'never') return this.recordAll(copies, { state: 'skipped', reason: 'The account is set to keep no copy in Sent.' });
    if (account.sentCopy === 'auto' && imap.filesSentItself) return this.recordAll(copies, { state: 'skipped', reason: FILED_ITSELF });
    const where = `The IMAP server ${imap.host}:${imap.port}`;
    let client: ImapFlow;
    try {
      client = await openImap(await this.accounts.imapTarget(account), this.options);
    } catch (error) {
      const failure = imapFailure(error, where);
      return this.recordAll(copies, failure.kind === 'away' ? this.later(copies[0]!, failure.message) : { state: 'failed', reason: failure.message });
    }
    try {
      let folder = imap.sentFolder;
      if (!folder) this.accounts.rememberSentFolder(account.id, (folder = await findSentFolder(client)));
      let filesItself = account.sentCopy === 'auto' ? imap.filesSentItself : false;
      for (const [index, copy] of copies.entries()) {
        try {
          if (filesItself === null) {
            // Gmail says so; else a copy that never got as far as an APPEND looks for the server's own.
            const found = client.capabilities.has('X-GM-EXT-1') || (copy.folder === null ? await this.filedMeanwhile(client, folder, copy) : null);
            if (found !== null) this.accounts.rememberFilesSent(account.id, (filesItself = found));
          }
          if (filesItself) this.record(copy, { state: 'skipped', reason: FILED_ITSELF, folder });
          else {
            this.copies.appending(copy, this.owner, folder);
            this.record(copy, await append(client, folder, copy, this.outbox.fileOf({ raw_file: copy.rawFile })));
          }
        } catch (error) {
          const failure = imapFailure(error, where);
          if (failure.kind !== 'away') this.record(copy, { state: 'failed', reason: failure.message, folder });
          else return this.recordAll(copies.slice(index), this.later(copy, failure.message));
        }
      }
    } finally {
      await closeImap(client);
    }
  }

  /**
   * A message left uncertain (the line died after the final dot) on an account whose server files
   * what it is given: found in Sent, it arrived, and is marked sent as the user would. Looked for
   * during an hour after it became uncertain, then the user decides as for any other.
   */
  private async settleUncertain(): Promise<void> {
    const uncertain = this.copies.uncertainFiled(this.outbox.clock.now() - SETTLE_FOR_MS);
    for (const [accountId, messages] of Map.groupBy(uncertain, (m) => m.accountId)) {
      let client: ImapFlow | undefined;
      try {
        const account = this.accounts.get(accountId);
        if (!account.imap) continue;
        client = await openImap(await this.accounts.imapTarget(account), this.options);
        const folder = account.imap.sentFolder ?? (await findSentFolder(client));
        for (const m of messages) if (await holdsMessageId(client, folder, m.messageId)) this.outbox.markSent(m.id);
      } catch (error) {
        // Left to the next pass, or to the user: the copy's own work goes on. IMAP away is no news.
        if (imapFailure(error, 'IMAP').kind !== 'away') this.log(`uncertain messages of account ${accountId} could not be looked for in Sent`, error);
      } finally {
        if (client) await closeImap(client);
      }
    }
  }

  /**
   * `auto`'s first copy: whether the server's own copy shows up in Sent within a few seconds, under
   * the message's Message-ID or the one the server's reply to the end of data names (Microsoft 365
   * and Outlook.com replace it and say the new one there).
   */
  private async filedMeanwhile(client: ImapFlow, folder: string, copy: ClaimedCopy): Promise<boolean> {
    const ids = [copy.messageId, ...(copy.lastReply?.match(/<[^<>\s]+@[^<>\s]+>/g) ?? [])];
    const until = performance.now() + (this.options.lookForMs ?? 5_000);
    for (;;) {
      for (const id of ids) if (await holdsMessageId(client, folder, id)) return true;
      if (performance.now() >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }

  private later(copy: ClaimedCopy, reason: string): CopyOutcome {
    const backoff = this.options.backoffMs ?? BACKOFF_MS;
    return { state: 'pending', reason, notBefore: this.outbox.clock.now() + backoff[Math.min(copy.attempts, backoff.length - 1)]! };
  }

  private recordAll(copies: readonly ClaimedCopy[], outcome: CopyOutcome): void {
    for (const copy of copies) this.record(copy, outcome);
  }

  private record(copy: ClaimedCopy, outcome: CopyOutcome): void {
    this.copies.record(copy, this.owner, outcome);
    this.options.onChanged?.(copy.id);
  }

  private log(what: string, error?: unknown): void {
    const detail = error === undefined ? '' : `: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    (this.options.log ?? console.error)(`outbound: ${what}${detail}`);
  }
}

/** Appended unless already there (an APPEND whose record a crash lost): one copy, whatever happened before. */
async function append(client: ImapFlow, folder: string, copy: ClaimedCopy, file: string): Promise<CopyOutcome> {
  if (await holdsMessageId(client, folder, copy.messageId)) return { state: 'saved', folder, uid: null, uidvalidity: null };
  const frozen = await readFile(file);
  const bytes = copy.bcc.length ? Buffer.concat([Buffer.from(`Bcc: ${copy.bcc.join(',\r\n ')}\r\n`), frozen]) : frozen;
  const appended = await client.append(folder, bytes, ['\\Seen'], new Date(copy.sentAt));
  if (!appended) throw new Error('The IMAP connection was not ready for APPEND.');
  return {
    state: 'saved',
    folder: appended.destination,
    uid: appended.uid ?? null,
    uidvalidity: appended.uidValidity === undefined ? null : Number(appended.uidValidity),
  };
}

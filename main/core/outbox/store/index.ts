/**
 * The outbox's rows. Every state change is an SQLite transaction (WAL), durable before anything
 * follows from it: committed with synchronous=FULL, or committed without an fsync and then made
 * durable by a WAL sync off the event loop (see ARCHITECTURE.md, "The outbox"). Claiming is an
 * atomic transaction with a lease, so the app and the CLI on the same data directory never submit
 * the same message at once.
 *
 * OutboxStore is the one door the rest of the core uses; each method is the job of the same name,
 * in the file of its kind, working on the store's shared handle (handle.ts). A message changes state
 * only by the moves in states.ts's TRANSITIONS, which its one guarded UPDATE enforces.
 */
import type {
  AttemptView,
  BulkResult,
  BulkTarget,
  DraftView,
  MessagePage,
  MessageState,
  MessageView,
  OutboxChange,
  PageQuery,
} from '../../../../preload/common/contract/index.ts';
import { systemClock, type Clock } from '../../clock.ts';
import type { Db } from '../../db/index.ts';
import * as actions from './actions.ts';
import * as claims from './claim.ts';
import { OutboxDb } from './handle.ts';
import * as enqueue from './insert.ts';
import * as leases from './lease.ts';
import * as orphans from './orphans.ts';
import * as outcomes from './outcome.ts';
import * as rebuild from './rebuild.ts';
import * as recovery from './recovery.ts';
import * as search from './search.ts';
import type { Claimed, FinishedAttempt, MessageRow, NewMessage } from './rows.ts';
import * as views from './views.ts';

export type { ClaimBy } from './claim.ts';
export type { BroughtBack } from './rebuild.ts';
export type { AttemptOutcome, Claimed, FinishedAttempt, MessageRow, NewMessage } from './rows.ts';
export { UNSENT } from './states.ts';
export type { MessageList } from './search.ts';

export class OutboxStore {
  private readonly h: OutboxDb;
  /** Where the frozen messages are. */
  readonly dir: string;
  /** What due times, leases and the rows' times go by (the sender and enqueue read it too). */
  readonly clock: Clock;

  constructor(db: Db, dir: string, changed: (id: number, state: MessageState) => void, clock: Clock = systemClock) {
    this.h = new OutboxDb(db, dir, changed, clock);
    this.dir = dir;
    this.clock = clock;
  }

  fileOf(row: Pick<MessageRow, 'raw_file'>): string {
    return this.h.fileOf(row);
  }

  /** Everything committed so far made durable (a sender's last outcomes, before it reports them). */
  sync(): Promise<void> {
    return this.h.wal.sync();
  }

  /** Once the sender has stopped, before the database closes. */
  close(): Promise<void> {
    return this.h.wal.close();
  }

  // Enqueue (insert.ts), housekeeping (orphans.ts), and rebuilding from the files (rebuild.ts).
  insert(message: NewMessage, now?: number): Promise<number> {
    return enqueue.insert(this.h, message, now);
  }
  removeOrphanFiles(olderThanMs?: number, now?: number): Promise<void> {
    return orphans.removeOrphanFiles(this.h, olderThanMs, now);
  }
  /** After a repair, or on a database created anew over a messages directory: what only the files still know. */
  bringBack(now?: number): rebuild.BroughtBack {
    return rebuild.bringBack(this.h, now);
  }

  // What the user sees (views.ts).
  row(id: number): MessageRow {
    return views.row(this.h, id);
  }
  view(id: number): MessageView {
    return views.view(this.h, id);
  }
  attempts(id: number): AttemptView[] {
    return views.attempts(this.h, id);
  }
  list(which: search.MessageList, limit?: number): MessageView[] {
    return views.list(this.h, which, limit);
  }
  page(which: search.MessageList, query: PageQuery = {}): MessagePage {
    return views.page(this.h, which, query);
  }
  /** After a repair copied the rows into a new database: the search index made from them. */
  reindex(): void {
    search.reindexAll(this.h);
  }
  waiting(): views.Waiting {
    return views.waiting(this.h);
  }
  /** The attempt showed the server offers no DSN: the message's delivery report request never reached it. */
  deliveryReportDropped(id: number): void {
    outcomes.deliveryReportDropped(this.h, id);
  }

  // The sender's work: claims (claim.ts), leases (lease.ts), outcomes (outcome.ts), recovery (recovery.ts).
  claim(owner: string, now: number, leaseUntil: number, by?: claims.ClaimBy): Claimed[] {
    return claims.claim(this.h, owner, now, leaseUntil, by);
  }
  nextDue(): number | undefined {
    return claims.nextDue(this.h);
  }
  renewLeases(owner: string, leaseUntil: number): void {
    leases.renewLeases(this.h, owner, leaseUntil);
  }
  release(owner: string, ids: number[]): void {
    leases.release(this.h, owner, ids);
  }
  markBodyStarted(row: Pick<MessageRow, 'id' | 'lease_owner'>): Promise<boolean> {
    return leases.markBodyStarted(this.h, row);
  }
  finish(attempts: readonly FinishedAttempt[], now?: number): FinishedAttempt[] {
    return outcomes.finish(this.h, attempts, now);
  }
  recordSent(attempts: readonly FinishedAttempt[], now?: number): FinishedAttempt[] {
    return outcomes.recordSent(this.h, attempts, now);
  }
  recoverExpiredLeases(now?: number, isDeadOwner?: (owner: string) => boolean): number {
    return recovery.recoverExpiredLeases(this.h, now, isDeadOwner);
  }
  networkBack(now?: number): void {
    recovery.networkBack(this.h, now);
  }
  accountsWaitingForNetwork(): number[] {
    return recovery.accountsWaitingForNetwork(this.h);
  }

  // The user's choices, and removing an account (actions.ts).
  cancel(id: number, now?: number): MessageView {
    return actions.cancel(this.h, id, now);
  }
  retry(id: number, now?: number): MessageView {
    return actions.retry(this.h, id, now);
  }
  resend(id: number, now?: number): MessageView {
    return actions.resend(this.h, id, now);
  }
  markSent(id: number, now?: number): MessageView {
    return actions.markSent(this.h, id, now);
  }
  retryAll(target: BulkTarget, now?: number): BulkResult {
    return actions.retryAll(this.h, target, now);
  }
  cancelAll(target: BulkTarget, now?: number): BulkResult {
    return actions.cancelAll(this.h, target, now);
  }
  takeBack(id: number): Promise<DraftView> {
    return actions.takeBack(this.h, id);
  }
  leaveAccount(accountId: number, to: { id: number; name: string; email: string } | null, now?: number): OutboxChange[] {
    return actions.leaveAccount(this.h, accountId, to, now);
  }
  announce(changes: readonly OutboxChange[]): void {
    actions.announce(this.h, changes);
  }
}

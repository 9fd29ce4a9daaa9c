/** What every job of the outbox store works with: one per store, shared by them all. */
import { join } from 'node:path';
import type { Statement, Transaction } from 'better-sqlite3';
import type { MessageState } from '../../../../preload/common/contract/index.ts';
import type { Clock } from '../../clock.ts';
import { statements, WalSync, type Db } from '../../db/index.ts';
import { notFound } from '../../app-error.ts';
import type { MessageRow } from './rows.ts';

type Job = Parameters<Db['transaction']>[0];

export class OutboxDb {
  readonly db: Db;
  /** Prepared statements by their SQL text. */
  readonly sql: (sql: string) => Statement;
  /** Durability off the event loop for the hot writes (ARCHITECTURE.md, "The outbox"). */
  readonly wal: WalSync;
  /** Where the frozen messages are. */
  readonly dir: string;
  /** What due times, leases and the rows' times go by. */
  readonly clock: Clock;
  /** Told of every change of a message, once it has committed. */
  readonly changed: (id: number, state: MessageState) => void;
  private readonly transactions = new Map<Job, Transaction<Job>>();

  constructor(db: Db, dir: string, changed: (id: number, state: MessageState) => void, clock: Clock) {
    this.db = db;
    this.sql = statements(db);
    this.wal = new WalSync(db);
    this.dir = dir;
    this.clock = clock;
    this.changed = changed;
  }

  /** `job` (a module's function, the same each time) as one transaction, wrapped once: wrapping costs more than running on the hot path. */
  transaction<F extends Job>(job: F): Transaction<F> {
    let transaction = this.transactions.get(job);
    if (!transaction) this.transactions.set(job, (transaction = this.db.transaction(job)));
    return transaction as Transaction<F>;
  }

  fileOf(row: Pick<MessageRow, 'raw_file'>): string {
    return join(this.dir, row.raw_file);
  }
}

export const noSuchMessage = (id: number) => notFound(`There is no message with id ${id} in the outbox.`);

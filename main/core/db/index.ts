import Database from 'better-sqlite3';
import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../app-error.ts';
import { migrations as defaultMigrations, type Migration } from './migrations.ts';

export type Db = Database.Database;

/** Prepared statements by their SQL text: preparing costs more than running on the outbox's hot path. */
export function statements(db: Db): (sql: string) => Database.Statement {
  const cache = new Map<string, Database.Statement>();
  return (sql) => {
    let statement = cache.get(sql);
    if (!statement) cache.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}

/** Open the data file durably: WAL, fsync on every commit, foreign keys enforced, then migrate. */
export function openDatabase(file: string, migrations: readonly Migration[] = defaultMigrations): Db {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    // The app and the CLI share the file: wait for the other's write lock rather than fail.
    db.pragma('busy_timeout = 10000');
    migrate(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Run every migration newer than `user_version`, all in one transaction. */
export function migrate(db: Db, migrations: readonly Migration[]): void {
  const latest = migrations.at(-1)?.version ?? 0;
  // Up to date, as on every start but the first after an update: no write lock to wait for (the app may be sending).
  if (db.pragma('user_version', { simple: true }) === latest) return;
  const run = db.transaction(() => {
    // Read inside the (immediate) transaction so two processes cannot both migrate.
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > latest) {
      throw new AppError(
        'conflict',
        `This data directory was written by a newer Outbound (database version ${current}; this build knows up to ${latest}). ` +
          'Update Outbound, or set OUTBOUND_HOME to another directory.',
      );
    }
    for (const migration of migrations) {
      if (migration.version <= current) continue;
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    }
  });
  run.immediate();
}

/**
 * Commits without an fsync of their own, made durable off the event loop: an fdatasync of the WAL on
 * libuv's thread pool. A commit with synchronous=NORMAL writes its frames to the WAL without syncing;
 * syncing the WAL afterwards is what synchronous=FULL would have done inside the commit, without the
 * event loop waiting for the disk. (A checkpoint syncs the WAL before copying it into the database,
 * so a frame checkpointed meanwhile is durable too.) The WAL keeps its inode while a connection is
 * open (SQLite removes it only when the last one closes), so one handle serves. Callers that arrive
 * while a sync runs share the next one, which starts after their commit; with nothing committed
 * since the last sync began, there is nothing to start.
 */
export class WalSync {
  private readonly wal: string;
  private readonly normal: Database.Statement;
  private readonly full: Database.Statement;
  /** Something was committed by `unsynced` since the last sync began. */
  private pending = false;
  private handle: Promise<FileHandle> | undefined;
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(db: Db) {
    this.wal = `${db.name}-wal`;
    this.normal = db.prepare('PRAGMA synchronous = NORMAL');
    this.full = db.prepare('PRAGMA synchronous = FULL');
  }

  /** Commits made in `write` are atomic, and durable once a later `sync()` resolves. */
  unsynced<T>(write: () => T): T {
    this.normal.run();
    try {
      return write();
    } finally {
      this.full.run();
      this.pending = true;
    }
  }

  /** Every commit made so far, durable. */
  sync(): Promise<void> {
    if (!this.pending) return this.running ?? Promise.resolve();
    if (!this.running) return this.start();
    // The sync in flight may have begun before the caller's commit reached the WAL.
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    return this.next;
  }

  /** Before the database closes: the last sync done, the handle closed. */
  async close(): Promise<void> {
    await Promise.allSettled([this.running, this.next]);
    const handle = this.handle;
    this.handle = undefined;
    if (handle) await (await handle).close();
  }

  private start(): Promise<void> {
    this.pending = false; // what is committed from here on needs the next sync
    const running = this.datasync().finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }

  private async datasync(): Promise<void> {
    // 'r+': Windows flushes only a handle opened for writing; nothing is written through it.
    this.handle ??= open(this.wal, 'r+').catch((error: unknown) => {
      this.handle = undefined;
      throw error;
    });
    await (await this.handle).datasync();
  }
}

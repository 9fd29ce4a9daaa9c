import Database from 'better-sqlite3';
import { AppError } from '../errors.ts';
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

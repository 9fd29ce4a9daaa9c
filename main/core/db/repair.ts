/**
 * A damaged database, checked and salvaged. The damaged file is moved aside untouched and read only
 * through a scratch copy (SQLite may write to a file it opens, to replay its WAL); every row it can
 * still read goes into a database created anew, table by table, row by row past unreadable pages.
 */
import Database from 'better-sqlite3';
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import type { Db } from './index.ts';

/** What `PRAGMA quick_check` says of `file`: 'ok', or its first complaint; 'missing' without a file. */
export function checkDatabase(file: string): string {
  if (!existsSync(file)) return 'missing';
  let db: Db | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    return checkOpen(db);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    db?.close();
  }
}

/** `PRAGMA quick_check` on an open database (O(size), no index cross-check): 'ok' or its first complaint. */
export function checkOpen(db: Db): string {
  const [first] = db.pragma('quick_check(1)', { simple: false }) as { quick_check: string }[];
  return first?.quick_check ?? 'ok';
}

/** The database file (and its WAL and shared memory, which belong to it) renamed to `<file>.damaged-<time>`; returns that name. */
export function moveAside(file: string, now: Date): string {
  const aside = `${file}.damaged-${now.toISOString().replace(/[:.]/g, '-')}`;
  for (const suffix of ['-wal', '-shm', '']) if (existsSync(file + suffix)) renameSync(file + suffix, aside + suffix);
  return aside;
}

export interface SalvagedTable {
  table: string;
  /** Rows copied. */
  kept: number;
  /** Some rows (or the whole table) could not be read. */
  lossy: boolean;
}

/** Every readable row of `damaged` copied into `db` (created anew, migrated), for the tables and columns both have. */
export function salvage(db: Db, damaged: string): SalvagedTable[] {
  const scratch = `${damaged}.reading`;
  copyFileSync(damaged, scratch);
  if (existsSync(`${damaged}-wal`)) copyFileSync(`${damaged}-wal`, `${scratch}-wal`);
  let source: Db | undefined;
  try {
    source = new Database(scratch, { fileMustExist: true });
    source.pragma('query_only = ON');
  } catch {
    source?.close();
    removeScratch(scratch);
    return tablesOf(db).map((table) => ({ table, kept: 0, lossy: true }));
  }
  db.pragma('foreign_keys = OFF');
  try {
    const salvaged = tablesOf(db).map((table) => copyTable(source, db, table));
    // A row whose parent was lost (recipients of a message that could not be read) goes too.
    const orphans = db.pragma('foreign_key_check') as { table: string; rowid: number }[];
    const drop = db.transaction(() => {
      for (const { table, rowid } of orphans) db.prepare(`DELETE FROM "${table}" WHERE rowid = ?`).run(rowid);
    });
    drop();
    for (const { table } of orphans) {
      const entry = salvaged.find((s) => s.table === table);
      if (entry) {
        entry.kept -= 1;
        entry.lossy = true;
      }
    }
    return salvaged;
  } finally {
    db.pragma('foreign_keys = ON');
    source.close();
    removeScratch(scratch);
  }
}

/** Ordinary tables only: a full-text index (virtual, and its shadow tables) is made again from the rows (OutboxStore.reindex). */
const tablesOf = (db: Db): string[] =>
  db
    .prepare(
      `SELECT m.name FROM sqlite_master m JOIN pragma_table_list l ON l.name = m.name AND l.schema = 'main'
       WHERE m.type = 'table' AND l.type = 'table' AND m.name NOT LIKE 'sqlite_%' ORDER BY m.rowid`,
    )
    .pluck()
    .all() as string[];

const columnsOf = (db: Db, table: string): string[] => (db.pragma(`table_info("${table}")`) as { name: string }[]).map((c) => c.name);

function copyTable(source: Db, db: Db, table: string): SalvagedTable {
  let columns: string[];
  try {
    const theirs = new Set(columnsOf(source, table));
    columns = columnsOf(db, table).filter((c) => theirs.has(c));
  } catch {
    return { table, kept: 0, lossy: true };
  }
  if (columns.length === 0) return { table, kept: 0, lossy: false };
  const list = columns.map((c) => `"${c}"`).join(', ');
  const insert = db.prepare(`INSERT OR IGNORE INTO "${table}" (${list}) VALUES (${columns.map(() => '?').join(', ')})`);
  const read = (where: string) => source.prepare(`SELECT rowid AS __rowid, ${list} FROM "${table}" ${where}`).raw();
  let kept = 0;
  let last = 0;
  const keep = (row: unknown[]) => {
    last = row[0] as number;
    kept += insert.run(...row.slice(1)).changes;
  };
  const copy = db.transaction(() => {
    try {
      for (const row of read('ORDER BY rowid').iterate() as IterableIterator<unknown[]>) keep(row);
      return false;
    } catch {
      // Past the unreadable page, one row at a time, up to the largest rowid the table admits to.
      let max: number;
      try {
        max = (source.prepare(`SELECT max(rowid) FROM "${table}"`).pluck().get() as number | null) ?? 0;
      } catch {
        return true;
      }
      const one = read('WHERE rowid = ?');
      for (let rowid = last + 1; rowid <= max; rowid++) {
        try {
          const row = one.get(rowid) as unknown[] | undefined;
          if (row) keep(row);
        } catch {
          // this row's page is unreadable: it is lost, the next may not be
        }
      }
      return true;
    }
  });
  const lossy = copy();
  return { table, kept, lossy };
}

function removeScratch(scratch: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(scratch + suffix, { force: true });
}

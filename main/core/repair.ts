/**
 * `outbound repair`, and Repair in the app: a damaged (or lost) database is repaired, not replaced.
 * The damaged file is moved aside untouched, what SQLite can still read of it is kept, and every
 * frozen message the database no longer knows comes back from its file as uncertain: nothing is
 * resent by itself, nothing waiting is lost.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from './app-error.ts';
import { checkDatabase, moveAside, salvage, type SalvagedTable } from './db/repair.ts';
import { openDatabase } from './db/index.ts';
import { OutboxStore, type BroughtBack } from './outbox/store/index.ts';
import { databaseFile, messagesDir } from './paths.ts';

/** Whether SQLite found the database damaged (not a database at all, or a page that makes no sense). */
export function isDamage(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code;
  return code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT'));
}

/** What a person is told of a damaged database, and how to repair it. */
export function damagedDatabase(home: string, cause: unknown): AppError {
  return new AppError(
    'database_damaged',
    `Outbound's database (${databaseFile(home)}) is damaged and cannot be read. The messages themselves are still in ${join(home, 'messages')}. ` +
      'Run `outbound repair` (or choose Repair when the app asks): it moves the damaged file aside untouched, keeps what can still be read, ' +
      'and brings back every message not known to be sent, for you to check.',
    { cause },
  );
}

export interface RepairReport {
  /** Nothing to repair: quick_check found the database sound. */
  sound: boolean;
  /** Where the damaged database was moved, untouched; absent when there was none. */
  damagedCopy?: string;
  /** What was kept of it, table by table. */
  tables: SalvagedTable[];
  /** The messages that came back from their files. */
  broughtBack: BroughtBack;
}

export async function repairDatabase(home: string, now = new Date()): Promise<RepairReport> {
  const file = databaseFile(home);
  const check = checkDatabase(file);
  if (check === 'ok') return { sound: true, tables: [], broughtBack: { count: 0, unreadable: [] } };
  const damagedCopy = check === 'missing' ? undefined : moveAside(file, now);
  mkdirSync(messagesDir(home), { recursive: true, mode: 0o700 });
  const db = openDatabase(file);
  try {
    const tables = damagedCopy ? salvage(db, damagedCopy) : [];
    const outbox = new OutboxStore(db, messagesDir(home), () => undefined);
    if (damagedCopy) outbox.reindex(); // the search index is not copied: it is made from the rows kept
    const broughtBack = outbox.bringBack(now.getTime());
    await outbox.close();
    return { sound: false, ...(damagedCopy && { damagedCopy }), tables, broughtBack };
  } finally {
    db.close();
  }
}

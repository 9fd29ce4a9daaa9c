/**
 * Faults of the machine itself (a full disk, a file that cannot be created or written, a damaged or
 * locked database) as one sentence a person can act on, never a stack trace: the CLI prints it with
 * its sysexits code, and dispatch returns it to the page. What they have in common: Outbound changed
 * nothing it could not finish, and what was already in the outbox is kept.
 */
import { accessSync, constants, statfsSync } from 'node:fs';
import { AppError } from '../core/app-error.ts';
import { databaseFile, defaultHome } from '../core/paths.ts';
import { damagedDatabase, isDamage } from '../core/repair.ts';

/** better-sqlite3's SqliteError and Node's system errors carry a code; nothing else here is needed of them. */
const codeOf = (error: unknown): string => (typeof (error as { code?: unknown })?.code === 'string' ? (error as { code: string }).code : '');

/** Whether the file system holding `dir` has (next to) no room left for a write. */
function noRoomAt(dir: string): boolean {
  try {
    const { bavail, bsize } = statfsSync(dir);
    return bavail * bsize < 64 * 1024;
  } catch {
    return false;
  }
}

const MACHINE_FAULTS = new Set<AppError['code']>(['disk_full', 'database_damaged', 'database_busy', 'no_permission', 'cannot_create', 'io_error']);

/** Whether this process may write in `dir` (false on a read-only mount, even for root). */
function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The sentence for `error` when it is a fault of the machine under the data directory `home`, else undefined. */
export function machineFault(error: unknown, home = defaultHome()): AppError | undefined {
  // The core says some itself (a database it found damaged on opening).
  if (error instanceof AppError) return MACHINE_FAULTS.has(error.code) ? error : undefined;
  const code = codeOf(error);
  const where = (error as { path?: string }).path ?? home;
  const kept = 'Nothing was changed, and what was already in the outbox is kept.';
  // SQLite reports a full disk as a disk I/O error (SQLITE_IOERR_SHMSIZE, _WRITE…) as often as SQLITE_FULL.
  if (code === 'ENOSPC' || code === 'SQLITE_FULL' || code === 'EDQUOT' || (code.startsWith('SQLITE_IOERR') && noRoomAt(home)))
    return new AppError('disk_full', `The disk that holds Outbound's data (${home}) is full. ${kept} Free some space, then try again.`, { cause: error });
  if (isDamage(error)) return damagedDatabase(home, error);
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
    return new AppError(
      'database_busy',
      `Another program holds Outbound's database (${databaseFile(home)}) and does not let go. ${kept} Try again once it has finished.`,
      { cause: error },
    );
  // SQLite cannot open a WAL database where it may not create the -shm file: a read-only directory, not something in the way.
  const readOnly = code === 'SQLITE_CANTOPEN' && !writable(home);
  if (readOnly || code === 'EACCES' || code === 'EPERM' || code === 'EROFS' || code === 'SQLITE_READONLY' || code === 'SQLITE_CANTOPEN_ISDIR')
    return new AppError('no_permission', `Outbound may not write to ${where}. ${kept} Check its permissions (or point OUTBOUND_HOME at a folder of yours).`, {
      cause: error,
    });
  if (code === 'ENOTDIR' || code === 'EEXIST' || code === 'EISDIR' || code === 'SQLITE_CANTOPEN')
    return new AppError(
      'cannot_create',
      `Outbound cannot create its data at ${where}: something that is not its folder is in the way. ${kept} Move it, or point OUTBOUND_HOME elsewhere.`,
      { cause: error },
    );
  if (code === 'EIO' || code.startsWith('SQLITE_IOERR'))
    return new AppError(
      'io_error',
      `Reading or writing Outbound's data (${home}) failed: the disk reported an error. ${kept} Check the disk, then try again.`,
      { cause: error },
    );
  return undefined;
}

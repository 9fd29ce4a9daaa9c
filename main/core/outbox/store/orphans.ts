/** Frozen files no row points at. */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { rawFileOfEnvelope } from './envelope-file.ts';
import type { OutboxDb } from './handle.ts';

/** Far longer than writing a message and committing its row can take. */
const ORPHAN_AGE_MS = 60 * 60_000;

/**
 * Delete frozen files (and envelope files) that no row points at: a crash between writing them and
 * committing the row. Only old ones — another process on this directory may be between those steps
 * right now. Their age is the file system's, so by the real clock. Never on a database that was just
 * created: it knows no rows yet, so every file would look orphaned (openCore rebuilds first).
 */
export async function removeOrphanFiles(h: OutboxDb, olderThanMs = ORPHAN_AGE_MS, now = Date.now()): Promise<void> {
  const known = new Set((h.sql('SELECT raw_file FROM messages').all() as { raw_file: string }[]).map((r) => r.raw_file));
  const entries = await readdir(h.dir);
  await Promise.all(
    entries
      // `.partial`: the temporary files earlier versions renamed into place.
      .filter(
        (name) => (name.endsWith('.eml') || name.endsWith('.partial') || rawFileOfEnvelope(name) !== undefined) && !known.has(rawFileOfEnvelope(name) ?? name),
      )
      .map(async (name) => {
        const file = join(h.dir, name);
        const { mtimeMs } = await stat(file).catch(() => ({ mtimeMs: now }));
        if (now - mtimeMs > olderThanMs) await rm(file, { force: true });
      }),
  );
}

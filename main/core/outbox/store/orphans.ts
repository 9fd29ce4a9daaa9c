/** Frozen files no row points at. */
import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { OutboxDb } from './handle.ts';

/** Far longer than writing a message and committing its row can take. */
const ORPHAN_AGE_MS = 60 * 60_000;

/**
 * Delete frozen files that no row points at: a crash between writing the file and committing its
 * row. Only old ones — another process on this directory may be between those two steps right now.
 * Their age is the file system's, so by the real clock.
 */
export async function removeOrphanFiles(h: OutboxDb, olderThanMs = ORPHAN_AGE_MS, now = Date.now()): Promise<void> {
  const known = new Set((h.sql('SELECT raw_file FROM messages').all() as { raw_file: string }[]).map((r) => r.raw_file));
  const entries = await readdir(h.dir);
  await Promise.all(
    entries
      // `.partial`: the temporary files earlier versions renamed into place.
      .filter((name) => (name.endsWith('.eml') || name.endsWith('.partial')) && !known.has(name))
      .map(async (name) => {
        const file = join(h.dir, name);
        const { mtimeMs } = await stat(file).catch(() => ({ mtimeMs: now }));
        if (now - mtimeMs > olderThanMs) await rm(file, { force: true });
      }),
  );
}

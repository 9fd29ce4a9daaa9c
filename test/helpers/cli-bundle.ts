/**
 * vitest's global setup: the tests run the `outbound` command as users do (bin/outbound, which runs
 * the bundle in dist/cli), so the bundle is rebuilt first when a file it is built from changed since
 * the last build — a test of the CLI never runs yesterday's code. `npm run build:cli` builds it by hand.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'vite';

const ROOT = join(import.meta.dirname, '..', '..');
const CONFIG = join(ROOT, 'vite.cli.config.ts');
const ENTRY = join(ROOT, 'dist', 'cli', 'outbound.js');
/** What the bundle is built from: our code, the bundler's configuration and the locked dependencies. */
const SOURCES = ['main', join('preload', 'common')];

const modified = (file: string): number => statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;

function newestSource(): number {
  const files = SOURCES.flatMap((dir) => readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' }).map((file) => join(ROOT, dir, file)));
  return Math.max(...[CONFIG, join(ROOT, 'package-lock.json'), ...files].map(modified));
}

export default async function buildCliBundle(): Promise<void> {
  if (modified(ENTRY) > newestSource()) return;
  // Files are only added, never removed (chunk names carry their content's hash): a CLI that another
  // test run has started meanwhile keeps finding the files it loads.
  await build({ configFile: CONFIG, root: ROOT, logLevel: 'warn', build: { emptyOutDir: false } });
}

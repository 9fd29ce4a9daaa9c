/**
 * One directory per vitest run where tests leave what the final secrets scan
 * (test/security/secrets-scan.test.ts) must search: the secrets they used, the data directories they
 * kept, and the logs. vitest.config.ts uses this file as a globalSetup (it creates the directory and
 * hands it to the test files through `inject`) and to record every console line the suite prints.
 *
 * Per run, not one shared folder: other runs may be going on in the same tree at the same time.
 * Plain Node (no vitest import): the config file loads it too.
 */
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    secretsRunDir: string;
  }
}

const RESULTS_DIR = path.resolve(import.meta.dirname, '..', '..', 'test-results', 'secrets');
/** Set in vitest's main process, so every project's globalSetup and the console hook share one run. */
const RUN_DIR_VARIABLE = 'OUTBOUND_TEST_SECRETS_RUN';

/** Where things go inside a run directory. */
export const runLayout = (runDir: string) => ({
  /** One JSON line per registered secret: `{ "value": …, "user"?: … }`. */
  secretsFile: path.join(runDir, 'secrets.jsonl'),
  /** Data directories kept for the scan. */
  homesDir: path.join(runDir, 'homes'),
  /** Console output of the suite and outputs tests recorded (e.g. the CLI's stdout and stderr). */
  logsDir: path.join(runDir, 'logs'),
});

function runDir(): string {
  let dir = process.env[RUN_DIR_VARIABLE];
  if (dir === undefined) {
    mkdirSync(RESULTS_DIR, { recursive: true });
    dir = mkdtempSync(path.join(RESULTS_DIR, 'run-'));
    process.env[RUN_DIR_VARIABLE] = dir;
  }
  return dir;
}

/** vitest globalSetup: runs in the main process before any test file, once per project. */
export default function setup(project: TestProject): () => void {
  const dir = runDir();
  const { secretsFile, homesDir, logsDir } = runLayout(dir);
  mkdirSync(homesDir, { recursive: true });
  mkdirSync(logsDir, { recursive: true });
  // Made here, so the scan can tell a run without secrets from a list it cannot read. Appending: once per project.
  appendFileSync(secretsFile, '');
  project.provide('secretsRunDir', dir);
  // The scan has read everything by now; what it found is in its failure message.
  return () => rmSync(dir, { recursive: true, force: true });
}

/** vitest's onConsoleLog (main process): every line a test or the code under test printed. */
export function recordConsoleLog(log: string): void {
  const dir = process.env[RUN_DIR_VARIABLE];
  if (dir !== undefined) appendFileSync(path.join(runLayout(dir).logsDir, 'console.log'), log);
}

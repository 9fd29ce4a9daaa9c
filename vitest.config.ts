import { defineConfig } from 'vitest/config';
import { recordConsoleLog } from './test/security/secrets-run.ts';

/** Searches what every other test file left behind for their secrets, so it must run after all of them. */
const SECRETS_SCAN = 'test/security/secrets-scan.test.ts';

export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Real servers and a real browser: keep the two cores from fighting over ports and CPU.
    fileParallelism: true,
    maxWorkers: 2,
    // The CLI's tests run its bundle (dist/cli): rebuilt first when its sources changed.
    globalSetup: ['test/security/secrets-run.ts', 'test/helpers/cli-bundle.ts'],
    // No test reaches the host's resolver (issue 10): see the file.
    setupFiles: ['test/helpers/no-host-dns.ts'],
    // The scan reads the suite's console output as its log.
    onConsoleLog: (log) => recordConsoleLog(log),
    // Groups run one after the other, lowest first.
    projects: [
      { extends: true, test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: [SECRETS_SCAN], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: 'secrets-scan', include: [SECRETS_SCAN], sequence: { groupOrder: 1 } } },
    ],
  },
});

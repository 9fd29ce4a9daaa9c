import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * The quickest files first (vitest runs the slowest first): Stryker stops a mutant's run at its first
 * failing test, and the unit tests of the transcript and the judge fail in milliseconds where the
 * fault-injection rounds take seconds.
 */
class QuickestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    return (await super.sort(files)).reverse();
  }
}

/**
 * The tests StrykerJS runs against each mutant (stryker.config.js): those of the outbox, the SMTP
 * submission and compose/freeze. Left out: the SIGKILL rounds (test/core/outbox/processes.test.ts),
 * whose child processes never see the mutant Stryker switches on in the test process (and which take
 * a minute); and whatever needs gnome-keyring (test/run.ts), which none of these folders does.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    // One module graph for all the files: Stryker switches mutants on at run time, so a fresh import
    // per test file per mutant (the default) would only add seconds to each.
    isolate: false,
    sequence: { sequencer: QuickestFirst },
    // A mutant that makes a test hang fails it here (the slowest test takes about 6 s), long before
    // Stryker's own timeout, which is set from the time of all the tests covering the mutant.
    testTimeout: 15_000,
    hookTimeout: 30_000,
    globalSetup: ['test/security/secrets-run.ts'],
    setupFiles: ['test/helpers/no-host-dns.ts'],
    // The connection test and the certificate checks of the SMTP code are tested with the accounts, and
    // so is the outbox store's part in removing an account (its mail cancelled or moved, 3 s); hostile
    // headers go through freezing and submission in the security tests (8 s); the store's envelope
    // files and its bringing messages back are tested with the database's repair.
    include: [
      'test/core/outbox/**/*.test.ts',
      'test/core/smtp/**/*.test.ts',
      'test/core/compose/**/*.test.ts',
      'test/core/db/repair.test.ts',
      'test/core/accounts/security.test.ts',
      'test/core/accounts/store.test.ts',
      'test/security/header-injection.test.ts',
    ],
    exclude: ['test/core/outbox/processes.test.ts'],
  },
});

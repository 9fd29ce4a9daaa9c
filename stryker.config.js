// @ts-check
/**
 * Mutation testing (`npm run mutate`, README "Mutation testing"): how much of the outbox, the SMTP
 * submission and compose/freeze the tests would notice going wrong. Not part of CI: a full run takes
 * long (README); incremental mode keeps reruns to the mutants and tests that changed.
 * @type {import('@stryker-mutator/api/core').PartialStrykerOptions}
 */
export default {
  mutate: ['main/core/outbox/**/*.ts', 'main/core/smtp/**/*.ts', 'main/core/compose/freeze.ts'],
  testRunner: 'vitest',
  vitest: { configFile: 'vitest.mutate.config.ts', pool: 'forks' },
  coverageAnalysis: 'perTest',
  // A mutant of module-level code (a constant table) runs every test after a fresh import: minutes
  // each with these tests. Left out of the score (README).
  ignoreStatic: true,
  // No TypeScript checker (@stryker-mutator/typescript-checker, installed): it works with the `.ts`
  // imports (tsconfig.node.json), but it type-checks the whole project again for each group of
  // mutants, and on two cores it was the bottleneck — 3 mutants tested in 2 minutes, the test runner
  // idle waiting for it. Mutants TypeScript would refuse are tested like the others (README).
  // Two cores, shared with other work.
  concurrency: 2,
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  tempDirName: '.stryker-tmp',
  // The sandbox needs the sources, the tests and the configs, not the builds and results.
  ignorePatterns: ['dist', 'release', 'test-results', 'reports', 'build', 'renderer'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  thresholds: { high: 90, low: 80, break: null },
};

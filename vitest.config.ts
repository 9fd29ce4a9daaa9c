import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Real servers and a real browser: keep the two cores from fighting over ports and CPU.
    fileParallelism: true,
    maxWorkers: 2,
  },
});

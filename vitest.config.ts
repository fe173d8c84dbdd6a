import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites start their own redis-server and child processes: keep the 2-core machine calm.
    maxWorkers: 2,
  },
});

import { defineConfig } from 'vitest/config';

// Workers and real services make some tests slow; a 2-core CI box needs headroom,
// so timeouts are generous and test files run in forks (worker_threads inside a
// vitest thread pool would nest isolates and skew resourceLimits).
export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    fileParallelism: true,
    maxWorkers: 2,
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // PostgreSQL and Redis tests share one database; files run one at a time per pool worker.
    fileParallelism: true,
    pool: 'forks',
  },
});

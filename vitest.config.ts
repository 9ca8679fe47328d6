// Test runner settings: the suites talk to the real PostgreSQL and NATS named by DATABASE_URL and
// NATS_URL, so files run in parallel only as far as two cores allow, and slow end-to-end steps
// get room to finish.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});

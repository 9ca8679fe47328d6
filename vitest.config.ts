// Test runner settings: the suites talk to the real PostgreSQL and NATS named by DATABASE_URL and
// NATS_URL, so files run in parallel only as far as two cores allow, and slow end-to-end steps
// get room to finish.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Resolve packages the way Node does (no "development" condition): graphql ships separate
  // development builds, and two copies of graphql in one process cannot share a schema. `module-sync`
  // (what Node itself matches), not `module`: the latter picks bundler-only builds that Node cannot
  // load (@opentelemetry/api, which prom-client imports once installed).
  resolve: { conditions: ['module-sync', 'node'] },
  ssr: { resolve: { conditions: ['module-sync', 'node'], externalConditions: ['node'] } },
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/allow-private-targets.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // CI also writes a JSON report, from which .ci/run prints one "N passed, N failed" line.
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});

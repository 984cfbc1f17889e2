import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Builds the app (worker, renderer, preload) if stale, for test/ipc, test/security and test/e2e.
    globalSetup: ['test/setup/buildApp.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores here and in CI: more workers only contend.
    maxWorkers: 2,
    // The JSON report lets .ci/run print one plain 'N passed, N failed' closing line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});

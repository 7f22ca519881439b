import { defineConfig } from 'vitest/config';

// PODNET_VITEST_JSON (set by .ci/run) also writes a JSON report, for CI's closing line.
const json = process.env.PODNET_VITEST_JSON;

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60000,
    // As root: fails the run if it left processes in deleted network namespaces.
    globalSetup: ['test/support/leaked-processes.ts'],
    reporters: json ? ['default', ['json', { outputFile: json }]] : ['default'],
  },
});

import { defineConfig } from 'vitest/config';

// The harness's own tests: unit tests and the self-validation matrix.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', 'json'],
    outputFile: { json: '.gauntlet/vitest-harness.json' },
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'threads',
  },
});

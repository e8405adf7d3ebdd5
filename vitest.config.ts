import { defineConfig } from 'vitest/config';

// The main job: attack the selected target (GAUNTLET_TARGET, default targets/reference.ts).
export default defineConfig({
  test: {
    include: ['suites/**/*.test.ts'],
    globalSetup: ['src/run/global-setup.ts'],
    reporters: ['default', './src/report/vitest-reporter.ts', 'json'],
    outputFile: { json: '.gauntlet/vitest-main.json' },
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'threads',
    // one suite file at a time: an exclusive attack (a revocation store paused) must not overlap the others
    fileParallelism: false,
  },
});

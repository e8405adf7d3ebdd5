import { describe, inject, test } from 'vitest';
import { deserializeKeySet } from '../../fixtures/issuer/keys.ts';
import '../run/provided.ts';
import { DEFAULTS, loadDecision } from './guard.ts';
import { writeBenchJson } from './report.ts';
import { runBench } from './run.ts';
import type { BenchReport } from './types.ts';

declare module 'vitest' {
  interface TaskMeta {
    bench?: BenchReport;
  }
}

/** `GAUNTLET_BENCH=1` opts a `npm test` run into the bench; without it the test is skipped, sending nothing. */
export const benchOptedIn = (env: NodeJS.ProcessEnv = process.env) => env.GAUNTLET_BENCH === '1';

/**
 * The opt-in `bench` area of the main job: one test that benchmarks the target the global set-up launched
 * (default settings; CPUs shared, since the test runner's process cannot be pinned), writes reports/bench.json,
 * and hands the bench to the reporter in the test's meta (`task.meta.bench`). It fails on a bench finding or
 * an inconclusive bench, and is skipped with the reason when load is not allowed for the target.
 */
export function defineBenchSuite(): void {
  const plannedSeconds = 10 * (DEFAULTS.warmupSeconds + DEFAULTS.runs * DEFAULTS.durationSeconds) + 60;
  describe('bench', () => {
    test.skipIf(!benchOptedIn())(
      'verification throughput (GAUNTLET_BENCH=1)',
      async ({ task, skip, expect }) => {
        const run = inject('gauntlet');
        const decision = loadDecision(run.manifest);
        if (!decision.allowed) return skip(decision.reason);
        const bench = await runBench(
          {
            manifest: run.manifest,
            ...(run.keys ? { keys: deserializeKeySet(run.keys) } : {}),
            ...(run.httpCa ? { httpCa: run.httpCa } : {}),
            ...(run.asCa ? { asCa: run.asCa } : {}),
          },
          { requested: {}, decision },
        );
        task.meta.bench = bench;
        writeBenchJson(bench);
        expect(bench.inconclusive, `bench inconclusive: ${bench.inconclusive}`).toBeUndefined();
        expect(bench.findings.map((f) => `${f.scenario}: ${f.message}`)).toEqual([]);
      },
      plannedSeconds * 1000,
    );
  });
}

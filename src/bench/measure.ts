import type { LoadJob } from './autocannon.ts';
import { withCpuBusy } from './cpu-busy.ts';
import type { SplitCpus } from './cpus.ts';
import { generate } from './generator.ts';
import { materialize, type PlannedScenario } from './scenarios.ts';
import { runFigures } from './stats.ts';
import type { BenchSettings, RunFigures, Scenario } from './types.ts';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Keeps a whole bench within `maxSeconds` of load from its first request on: a hard bound, not a plan. */
export class LoadClock {
  private startedAt: number | undefined;
  private readonly maxSeconds: number | undefined;

  constructor(maxSeconds: number | undefined) {
    this.maxSeconds = maxSeconds;
  }

  /** seconds this run may still load for (Infinity when unbounded); the clock starts at the first call */
  left(): number {
    if (this.maxSeconds === undefined) return Number.POSITIVE_INFINITY;
    this.startedAt ??= performance.now();
    return this.maxSeconds - (performance.now() - this.startedAt) / 1000;
  }
}

/**
 * Runs one load job with a stop timer at the job's end (plus slack) or the load clock's end, whichever is
 * first. Under a rate cap, a short pause after it keeps the next instance's first burst out of the one-second
 * window of this one's last (autocannon sends each second's quota at the start of the second).
 */
async function bounded(job: LoadJob, threads: number, clock: LoadClock) {
  const left = clock.left();
  if (left < 1) return undefined;
  const seconds = Math.min(job.seconds, Math.floor(left));
  const g = generate({ ...job, seconds }, threads);
  const timer = setTimeout(() => g.stop(), Math.min(seconds + 0.5, left - 0.05) * 1000);
  try {
    return await g.done;
  } finally {
    clearTimeout(timer);
    if (job.rate) await sleep(150);
  }
}

export interface ScenarioLoad {
  /** the request as sent (token decoded, for the report) */
  scenario: Scenario;
  /** each measured run; none when the load clock ran out */
  runs: RunFigures[];
}

export interface MeasureContext {
  baseUrl: string;
  ca?: string;
  settings: BenchSettings;
  timeoutSeconds: number;
  clock: LoadClock;
  /** the target's and the generator's CPUs when they are split: each run records how busy both were */
  cpus?: SplitCpus;
}

/**
 * Loads one scenario: a fresh token (none expires during a long plan), a warm-up that is not measured, then
 * `runs` measured runs of `seconds` each, all within the load clock and the settings' rate cap.
 */
export async function loadScenario(
  p: PlannedScenario,
  ctx: MeasureContext,
  shape: { warmupSeconds: number; runs: number },
): Promise<ScenarioLoad> {
  const s = ctx.settings;
  const scenario = await materialize(p);
  const job: LoadJob = {
    url: new URL(p.path, ctx.baseUrl).toString(),
    method: p.method,
    headers: scenario.authorization ? { authorization: scenario.authorization } : {},
    connections: s.connections,
    seconds: s.durationSeconds,
    timeoutSeconds: ctx.timeoutSeconds,
    ...(s.maxRps ? { rate: s.maxRps } : {}),
    ...(ctx.ca ? { ca: ctx.ca } : {}),
  };
  if (shape.warmupSeconds > 0) await bounded({ ...job, seconds: shape.warmupSeconds }, s.threads, ctx.clock);
  const runs: RunFigures[] = [];
  for (let i = 0; i < shape.runs; i++) {
    const [measured, cpuBusy] = await withCpuBusy(ctx.cpus, () => bounded(job, s.threads, ctx.clock));
    if (measured) runs.push({ ...runFigures(measured), ...(cpuBusy ? { cpuBusy } : {}) });
  }
  return { scenario, runs };
}

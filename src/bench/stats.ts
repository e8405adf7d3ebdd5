import type { CpuBusy } from './cpu-busy.ts';
import type { LatencyFigures, Measurement, RunFigures, RunsSummary } from './types.ts';

/**
 * A latency histogram with log-spaced buckets 1 % wide, from 1 µs to about 100 s: percentiles within 1 %,
 * fixed memory, mergeable across generator threads, and plain data (it crosses `postMessage` and JSON).
 * autocannon's own histogram keeps whole milliseconds, too coarse for a service that answers in 0.3 ms.
 */
export interface Histogram {
  /** counts by bucket: bucket i holds latencies in (GROWTH^(i-1), GROWTH^i] µs; bucket 0 everything ≤ 1 µs */
  counts: number[];
  count: number;
  /** exact largest value, ms */
  maxMs: number;
  sumMs: number;
}

const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
const BUCKETS = 1900;

export function newHistogram(): Histogram {
  return { counts: new Array<number>(BUCKETS).fill(0), count: 0, maxMs: 0, sumMs: 0 };
}

export function bucketOf(ms: number): number {
  const us = ms * 1000;
  if (!(us > 1)) return 0;
  return Math.min(BUCKETS - 1, Math.ceil(Math.log(us) / LOG_GROWTH - 1e-9));
}

export function record(h: Histogram, ms: number): void {
  h.counts[bucketOf(ms)]!++;
  h.count++;
  h.sumMs += ms;
  if (ms > h.maxMs) h.maxMs = ms;
}

export function merge(into: Histogram, other: Histogram): Histogram {
  for (let i = 0; i < BUCKETS; i++) into.counts[i]! += other.counts[i] ?? 0;
  into.count += other.count;
  into.sumMs += other.sumMs;
  into.maxMs = Math.max(into.maxMs, other.maxMs);
  return into;
}

/** Nearest-rank percentile (0 < p ≤ 100) in ms: the upper edge of the bucket holding that rank, never above max. */
export function percentile(h: Histogram, p: number): number {
  if (h.count === 0) return 0;
  const rank = Math.max(1, Math.ceil((p / 100) * h.count));
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += h.counts[i]!;
    if (seen >= rank) return Math.min(h.maxMs, GROWTH ** i / 1000);
  }
  return h.maxMs;
}

export function latencyFigures(h: Histogram): LatencyFigures {
  return { p50: percentile(h, 50), p90: percentile(h, 90), p99: percentile(h, 99), max: h.maxMs };
}

/** The median of a list (the mean of the two middle values for an even count); 0 for none. */
export function median(values: number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The median of several runs' CPU figures, each side on its own; undefined for none. */
export function medianBusy(runs: CpuBusy[]): CpuBusy | undefined {
  return runs.length
    ? { target: median(runs.map((c) => c.target)), generator: median(runs.map((c) => c.generator)) }
    : undefined;
}

export function runFigures(m: Measurement): RunFigures {
  return {
    rps: m.seconds > 0 ? m.requests / m.seconds : 0,
    requests: m.requests,
    seconds: m.seconds,
    latencyMs: latencyFigures(m.latency),
    statuses: m.statuses,
    errors: m.errors,
    timeouts: m.timeouts,
  };
}

export function summarizeRuns(runs: RunFigures[]): RunsSummary {
  const statuses: Record<string, number> = {};
  for (const r of runs)
    for (const [code, n] of Object.entries(r.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
  const sum = (f: (r: RunFigures) => number) => runs.reduce((s, r) => s + f(r), 0);
  const cpu = runs.flatMap((r) => (r.cpuBusy ? [r.cpuBusy] : []));
  const cpuBusy = cpu.length === runs.length ? medianBusy(cpu) : undefined;
  return {
    rps: median(runs.map((r) => r.rps)),
    latencyMs: {
      p50: median(runs.map((r) => r.latencyMs.p50)),
      p90: median(runs.map((r) => r.latencyMs.p90)),
      p99: median(runs.map((r) => r.latencyMs.p99)),
      max: Math.max(0, ...runs.map((r) => r.latencyMs.max)),
    },
    requests: sum((r) => r.requests),
    statuses,
    errors: sum((r) => r.errors),
    timeouts: sum((r) => r.timeouts),
    ...(cpuBusy ? { cpuBusy } : {}),
  };
}

/** How many responses carry a status outside the expected ones. */
export function countUnexpected(
  statuses: Record<string, number>,
  expected: (status: number) => boolean,
): number {
  let n = 0;
  for (const [code, count] of Object.entries(statuses)) if (!expected(Number(code))) n += count;
  return n;
}

import type { CpuBusy } from './cpu-busy.ts';
import type { Histogram } from './stats.ts';

/** baseline: no token on a public endpoint; accept: a valid token; reject: a token the target must refuse */
export type ScenarioKind = 'baseline' | 'accept' | 'reject';

/** One load scenario: the same request (one fixed token, or none) sent over and over. */
export interface Scenario {
  /** stable id: `baseline`, `accept-RS256`, `bad-signature`, `alg-none`, `expired`, `unknown-kid`, ... */
  id: string;
  title: string;
  kind: ScenarioKind;
  channel: 'http';
  method: string;
  path: string;
  /** the Authorization header sent with every request; a secret, never written to a report */
  authorization?: string;
  /** the signing alg of an accept scenario */
  alg?: string;
  /** what the token is, for the report (decoded header and payload, signature redacted) */
  token?: { header: unknown; payload: unknown; sha256: string };
}

/** What one load run of one scenario measured (the warm-up is never one of these). */
export interface Measurement {
  /** responses received */
  requests: number;
  /** wall time of the run */
  seconds: number;
  /** responses by HTTP status */
  statuses: Record<string, number>;
  /** connection errors, time-outs included */
  errors: number;
  timeouts: number;
  latency: Histogram;
}

export interface LatencyFigures {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface RunFigures {
  rps: number;
  requests: number;
  seconds: number;
  latencyMs: LatencyFigures;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** how busy the target's and the generator's CPUs were (split placement on Linux only) */
  cpuBusy?: CpuBusy;
}

/** The runs of one scenario as one: medians (max: the largest), and sums of the counts. */
export interface RunsSummary {
  rps: number;
  latencyMs: LatencyFigures;
  /** summed over the runs */
  requests: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  /** median of the runs' CPU figures, when measured */
  cpuBusy?: CpuBusy;
}

export interface ScenarioResult extends RunsSummary {
  id: string;
  title: string;
  kind: ScenarioKind;
  channel: string;
  method: string;
  path: string;
  alg?: string;
  token?: Scenario['token'];
  /** the statuses that count as expected, e.g. `2xx` or `400/401/403` */
  expected: string;
  /** not run, and why */
  skipped?: string;
  /** each measured run; the summary figures are their median (max: the largest) */
  runs: RunFigures[];
  /** responses with a status outside `expected` */
  unexpected: number;
  /** requests/s at or above 60 % of the load generator's ceiling: the figure may measure the generator */
  nearCeiling?: boolean;
  /** the generator's CPUs were saturated while the target's were not: the figure is the generator's */
  generatorBound?: boolean;
}

export type FindingKind = 'unexpected-status' | 'errors' | 'dos-risk';

export interface BenchFinding {
  channel: string;
  scenario: string;
  kind: FindingKind;
  /** high: an attack token was accepted under load; medium: a reject path dearer than the accept path, errors */
  severity: 'high' | 'medium';
  message: string;
}

/** What token verification costs on one channel. */
export interface VerificationCost {
  baseline?: string;
  accept?: string;
  /** accept-path requests/s as a fraction of the no-auth baseline */
  acceptVsBaseline?: number;
  /** the baseline ran near the load generator's ceiling or saturated its CPUs: the real baseline is higher, the fraction lower */
  baselineLimited?: boolean;
  /** the reject path with the most requests/s, and the one with the fewest */
  cheapestReject?: { id: string; rps: number };
  dearestReject?: { id: string; rps: number };
  /** reject paths flagged as a denial-of-service risk */
  dosRisk: string[];
}

export interface ChannelBench {
  channel: string;
  /** where the load went (no credentials) */
  target: string;
  scenarios: ScenarioResult[];
  cost: VerificationCost;
}

export interface BenchSettings {
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
  runs: number;
  /** load generator threads (1: the main thread) */
  threads: number;
  /** requests/s cap over all connections (manifest load.maxRps), if any */
  maxRps?: number;
  /** seconds of load allowed in one run (manifest load.maxSeconds), if any */
  maxSeconds?: number;
}

/** The load generator's own ceiling: the same settings against a trivial server that does no work. */
export interface GeneratorCeiling {
  rps?: number;
  latencyMs?: LatencyFigures;
  server?: string;
  skipped?: string;
  /** how busy the trivial server's CPUs (`target`) and the generator's were */
  cpuBusy?: CpuBusy;
  /** the trivial server, not the generator, was saturated: the generator's real ceiling is higher */
  serverBound?: boolean;
}

/** One bench run of one target: what `reports/bench.json` holds and the report shows. */
export interface BenchReport {
  target: string;
  startedAt: string;
  finishedAt: string;
  host: { cpus: number; cpuModel: string; node: string; loadAverage: number[] };
  settings: BenchSettings;
  /** where target and load generator ran: on separate CPUs (split) or sharing them */
  cpus: { mode: 'split' | 'shared'; target?: string; generator?: string; why: string };
  ceiling: GeneratorCeiling;
  channels: ChannelBench[];
  findings: BenchFinding[];
  /** the bench could not measure (the positive control failed, ...): not a pass */
  inconclusive?: string;
  /** adjustments made to fit the manifest's bounds, and other remarks */
  notes: string[];
}

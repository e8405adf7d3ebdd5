import { CAPABILITY_REASON, loadAllowed } from '../capabilities.ts';
import { GauntletError } from '../errors.ts';
import type { Manifest } from '../manifest/schema.ts';
import type { BenchSettings } from './types.ts';

/** The bench will not load this target as asked: a refusal (exit 2), not a failure of the target. */
export class LoadRefused extends GauntletError {}

export type LoadDecision =
  | { allowed: true; maxRps?: number; maxSeconds?: number; connections?: number }
  | { allowed: false; reason: string };

/**
 * Whether the bench may send load to this target at all, decided from the manifest alone, before anything is
 * launched or sent: a url target (a running deployment) only with `load: { allowed: true, maxRps, maxSeconds }`.
 */
export function loadDecision(m: Manifest): LoadDecision {
  if (!loadAllowed(m)) {
    const reason =
      m.launch.kind === 'url'
        ? `target '${m.name}' is a running deployment (launch kind 'url'): the bench sends it no load unless ` +
          'its manifest opts in with load: { allowed: true, maxRps, maxSeconds }'
        : `target '${m.name}': its manifest says load.allowed: false (${CAPABILITY_REASON.load})`;
    return { allowed: false, reason };
  }
  const l = m.load;
  return {
    allowed: true,
    ...(l?.maxRps ? { maxRps: l.maxRps } : {}),
    ...(l?.maxSeconds ? { maxSeconds: l.maxSeconds } : {}),
    ...(l?.connections ? { connections: l.connections } : {}),
  };
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * A containers target is load-tested without an opt-in because the harness started it on this machine; its
 * channel must then really be on the loopback interface (checked once placeholders are resolved).
 */
export function assertLoopback(m: Manifest, baseUrl: string): void {
  if (m.launch.kind !== 'containers' || m.load?.allowed) return;
  const host = new URL(baseUrl).hostname;
  if (!LOOPBACK.has(host))
    throw new LoadRefused(
      `target '${m.name}': the bench load-tests the harness's own containers only on 127.0.0.1, and ${baseUrl} ` +
        'is not; set load: { allowed: true, maxRps, maxSeconds } in the manifest to load it anyway',
    );
}

export interface Requested {
  connections?: number;
  durationSeconds?: number;
  warmupSeconds?: number;
  runs?: number;
  threads?: number;
}

export const DEFAULTS = { connections: 16, durationSeconds: 3, warmupSeconds: 1, runs: 1, threads: 2 };

/**
 * The settings of a run: flags, else the manifest, else defaults; then fitted into the manifest's bounds
 * (connections never above maxRps; the whole plan within maxSeconds less a margin, shortening scenarios if
 * needed). The run itself also stops any load at maxSeconds (run.ts), whatever the plan.
 */
export function fitSettings(
  req: Requested,
  decision: Extract<LoadDecision, { allowed: true }>,
  scenarios: number,
): { settings: BenchSettings; notes: string[] } {
  const notes: string[] = [];
  let connections = req.connections ?? decision.connections ?? DEFAULTS.connections;
  if (decision.maxRps && connections > decision.maxRps) {
    notes.push(`connections lowered from ${connections} to ${decision.maxRps} (load.maxRps)`);
    connections = decision.maxRps;
  }
  const runs = req.runs ?? DEFAULTS.runs;
  let duration = req.durationSeconds ?? DEFAULTS.durationSeconds;
  let warmup = req.warmupSeconds ?? DEFAULTS.warmupSeconds;
  const threads = Math.min(req.threads ?? DEFAULTS.threads, connections);
  const total = () => scenarios * (warmup + duration * runs);
  // a margin for what is not load but runs on the same clock: connection set-up, gaps between instances
  const budget = decision.maxSeconds ? decision.maxSeconds - Math.max(1, 0.1 * decision.maxSeconds) : 0;
  if (decision.maxSeconds && total() > budget) {
    const before = total();
    const per = Math.floor(budget / Math.max(1, scenarios));
    if (per < runs)
      throw new LoadRefused(
        `load.maxSeconds ${decision.maxSeconds} leaves ${per} s for each of ${scenarios} scenario(s), less ` +
          `than 1 s per run (${runs} run(s)): raise maxSeconds, or run fewer scenarios (--scenario) or runs`,
      );
    duration = Math.min(duration, Math.floor((per - Math.min(warmup, per - runs)) / runs));
    warmup = Math.min(warmup, per - duration * runs);
    notes.push(
      `plan shortened from ${before} s to ${total()} s of load to stay within load.maxSeconds ` +
        `${decision.maxSeconds}: ${warmup} s warm-up + ${runs} × ${duration} s per scenario`,
    );
  }
  return {
    settings: {
      connections,
      durationSeconds: duration,
      warmupSeconds: warmup,
      runs,
      threads,
      ...(decision.maxRps ? { maxRps: decision.maxRps } : {}),
      ...(decision.maxSeconds ? { maxSeconds: decision.maxSeconds } : {}),
    },
    notes,
  };
}

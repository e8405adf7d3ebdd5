import type { SerializedKey } from '../../fixtures/issuer/keys.ts';
import type { Manifest, ServiceRoles } from '../manifest/schema.ts';
import type { TargetReport } from '../report/types.ts';
import type { AcceptedFinding } from '../scan/accepted.ts';

/** What the global set-up (main process) hands to the suites (workers). Keys are per-run and never written out. */
export interface ProvidedRun {
  manifest: Manifest;
  keys?: SerializedKey[];
  httpCa?: string;
  asCa?: string;
  /** container ids of the target's services by role */
  roles?: ServiceRoles;
  /** where the harness issuer listens, to ask it what the target fetched */
  issuerBase?: string;
  /** the target's accepted findings (manifest `acceptedFindings`), checked at set-up */
  accepted?: AcceptedFinding[];
}

declare module 'vitest' {
  interface ProvidedContext {
    gauntlet: ProvidedRun;
  }
}

/** Run facts the reporter needs; the global set-up and the reporter share the main process. */
export interface RunState {
  startedAt: string;
  target?: Omit<TargetReport, 'verdicts'>;
  /** the target's accepted-findings file, for the report's account of each entry */
  accepted?: { file: string; entries: AcceptedFinding[] };
}

const KEY = Symbol.for('auth-gauntlet.run-state');

export function runState(): RunState {
  const g = globalThis as unknown as Record<symbol, RunState>;
  g[KEY] ??= { startedAt: new Date().toISOString() };
  return g[KEY];
}

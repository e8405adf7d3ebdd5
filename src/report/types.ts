import type { BenchReport } from '../bench/types.ts';
import type { Status, Verdict } from '../verdict/types.ts';

/** One entry of a target's accepted-findings file, and what it did in this run. */
export interface AcceptedFindingState {
  attack: string;
  justification: string;
  /** last day (UTC, YYYY-MM-DD) on which the entry applies */
  expires?: string;
  /** applied: a finding is marked accepted; expired: the finding counts again; unused: the attack did not fail */
  state: 'applied' | 'expired' | 'unused';
}

export interface TargetReport {
  name: string;
  /** manifest file */
  file: string;
  launch: 'containers' | 'url';
  /** VULN switches of the bundled reference, when set */
  vuln?: string;
  verdicts: Verdict[];
  /** container logs, kept when something did not pass */
  logs?: Record<string, string>;
  /** the target could not be launched or reached: the run is red with this message */
  error?: string;
  /** the accepted-findings file of the target (manifest `acceptedFindings`) and each entry's state */
  acceptedFindings?: { file: string; entries: AcceptedFindingState[] };
  /** verification throughput benchmark (`npm run bench`), when one was run */
  bench?: BenchReport;
}

export interface RunReport {
  tool: { name: 'auth-gauntlet'; version: string };
  startedAt: string;
  finishedAt: string;
  targets: TargetReport[];
}

/** fail: open findings; accepted: findings in the accepted-findings file; advisory: info-severity findings */
export type Counts = Record<Status, number> & { accepted: number; advisory: number };

export function countVerdicts(verdicts: Verdict[]): Counts {
  const c: Counts = { pass: 0, fail: 0, inconclusive: 0, skipped: 0, accepted: 0, advisory: 0 };
  for (const v of verdicts) {
    if (v.status === 'fail' && v.accepted) c.accepted++;
    else if (isAdvisory(v)) c.advisory++;
    else c[v.status]++;
  }
  return c;
}

/**
 * An info-severity finding: a deviation no attacker can use alone (it needs a token only the trusted issuer
 * could sign, or it only loosens parsing). Reported with its evidence; it never makes a run red.
 */
export function isAdvisory(v: Verdict): boolean {
  return v.status === 'fail' && !v.accepted && v.severity === 'info';
}

/**
 * Red when nothing was tested, or any target could not be tested, has no verdict, has a finding that is not
 * accepted, or has an inconclusive verdict.
 */
export function isRed(report: RunReport): boolean {
  if (report.targets.length === 0) return true;
  return report.targets.some((t) => {
    if (t.verdicts.length === 0) return true;
    const c = countVerdicts(t.verdicts);
    return Boolean(t.error) || c.fail > 0 || c.inconclusive > 0;
  });
}

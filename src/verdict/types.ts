export type Status = 'pass' | 'fail' | 'inconclusive' | 'skipped';
export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';
export type Outcome = 'accepted' | 'rejected' | 'error';

export interface Reference {
  id: string;
  url: string;
  title?: string;
}

/** A token as evidence: decoded, and with the signature redacted so no live token reaches a report. */
export interface TokenEvidence {
  header: unknown;
  payload: unknown;
  redacted: string;
  sha256: string;
  length: number;
}

/** One request and its answer. */
export interface Exchange {
  label: string;
  channel: string;
  outcome: Outcome;
  /** why the answer counts as accepted / rejected / error */
  why: string;
  token?: TokenEvidence;
  request: { method: string; url: string; headers: Record<string, string>; body?: string };
  response?: { status: number; headers: Record<string, string>; body: string };
  error?: string;
  ms: number;
}

export interface Verdict {
  attackId: string;
  title: string;
  area: string;
  severity: Severity;
  references: Reference[];
  target: string;
  status: Status;
  /** one line an auditor can read */
  reason: string;
  /** positive controls that this verdict stands next to */
  controls: Exchange[];
  evidence: Exchange[];
  /** exchanges left out of `evidence` to keep reports readable (all counted in the reason) */
  evidenceOmitted?: number;
  startedAt: string;
  ms: number;
  /** the scripted attack that covers the same flaw, for a finding of the fuzzer */
  relatedAttack?: string;
  /** accepted findings (baselines) mark a fail as accepted, never hide it */
  accepted?: { justification: string; expires?: string };
}

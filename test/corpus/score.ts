import { isAdvisory, type TargetReport } from '../../src/report/types.ts';
import type { CorpusEntry } from './corpus.ts';
import { classOf } from './mapping.ts';

/** The id of the run's own positive control: when it does not pass, the target is inconclusive. */
export const CONTROL_ID = 'CONTROL-VALID-TOKEN';

export interface Finding {
  class: string;
  attack: string;
  /** the verdict's one-line reason: what the target accepted */
  evidence: string;
}

export interface EntryScore {
  entry: string;
  vulnerable: boolean;
  expected: string[];
  /** expected classes the harness reported (true positives) */
  found: string[];
  /** expected classes it did not report; every class of an inconclusive target */
  missed: string[];
  /** findings whose class the entry neither has nor lists in also_accepts (one per attack, with evidence) */
  falsePositives: Finding[];
  /** reported classes listed in also_accepts: real, no CVE, neither right nor wrong */
  nonCve: string[];
  /** why the target counts as not tested (positive control failed, target unreachable) */
  inconclusive?: string;
  /** attacks that were inconclusive on a tested target (no clear answer): shown, not scored */
  unclear: Finding[];
  /** advisory (info-severity) findings: reported, never red, not scored (see isAdvisory) */
  advisory: string[];
  right: boolean;
}

const uniq = (xs: string[]) => [...new Set(xs)].sort();

/** Why a target's findings cannot be trusted, if they cannot: no report, an error, or no working control. */
function notTested(t: TargetReport | undefined): string | undefined {
  if (!t) return 'not scanned';
  if (t.error) return t.error.split('\n')[0];
  const control = t.verdicts.find((v) => v.attackId === CONTROL_ID);
  if (!control) return `no ${CONTROL_ID} verdict`;
  if (control.status === 'inconclusive' || control.status === 'skipped') return control.reason;
  return undefined;
}

/**
 * Scores one entry as the corpus README says: a reported class in `classes` is a true positive, one of
 * `classes` not reported is a miss, a reported class of `also_accepts` is neither, anything else reported is
 * a false positive. A target whose positive control fails is inconclusive: each of its classes is a miss.
 */
export function scoreEntry(entry: CorpusEntry, target: TargetReport | undefined): EntryScore {
  const expected = uniq(entry.classes);
  const inconclusive = notTested(target);
  if (inconclusive !== undefined) {
    return {
      entry: entry.name,
      vulnerable: entry.vulnerable,
      expected,
      found: [],
      missed: expected.length ? expected : ['(positive control)'],
      falsePositives: [],
      nonCve: [],
      inconclusive,
      unclear: [],
      advisory: [],
      right: false,
    };
  }
  const findings: Finding[] = target!.verdicts
    .filter((v) => v.status === 'fail' && !isAdvisory(v))
    .map((v) => ({ class: classOf(v.relatedAttack ?? v.attackId), attack: v.attackId, evidence: v.reason }));
  const reported = new Set(findings.map((f) => f.class));
  const also = new Set(Object.values(entry.also_accepts ?? {}).map((a) => a.class));
  const found = expected.filter((c) => reported.has(c));
  const missed = expected.filter((c) => !reported.has(c));
  const falsePositives = findings.filter((f) => !expected.includes(f.class) && !also.has(f.class));
  const nonCve = uniq(
    findings.filter((f) => !expected.includes(f.class) && also.has(f.class)).map((f) => f.class),
  );
  const unclear = target!.verdicts
    .filter((v) => v.status === 'inconclusive')
    .map((v) => ({ class: classOf(v.relatedAttack ?? v.attackId), attack: v.attackId, evidence: v.reason }));
  return {
    entry: entry.name,
    vulnerable: entry.vulnerable,
    expected,
    found,
    missed,
    falsePositives,
    nonCve,
    unclear,
    advisory: uniq(target!.verdicts.filter(isAdvisory).map((v) => v.attackId)),
    right: missed.length === 0 && falsePositives.length === 0,
  };
}

export interface Totals {
  entries: number;
  right: number;
  expected: number;
  found: number;
  missed: number;
  falsePositives: number;
  nonCve: number;
  inconclusive: number;
}

export function totalsOf(scores: EntryScore[]): Totals {
  const sum = (f: (s: EntryScore) => number) => scores.reduce((n, s) => n + f(s), 0);
  return {
    entries: scores.length,
    right: sum((s) => (s.right ? 1 : 0)),
    expected: sum((s) => s.expected.length),
    found: sum((s) => s.found.length),
    missed: sum((s) => s.missed.length),
    // by class, as the corpus scores; two attacks of one class are one false positive
    falsePositives: sum((s) => uniq(s.falsePositives.map((f) => f.class)).length),
    nonCve: sum((s) => s.nonCve.length),
    inconclusive: sum((s) => (s.inconclusive !== undefined ? 1 : 0)),
  };
}

/** Every corpus entry scored against its target's report (matched by name). */
export function scoreCorpus(
  entries: CorpusEntry[],
  targets: TargetReport[],
): { scores: EntryScore[]; totals: Totals } {
  const byName = new Map(targets.map((t) => [t.name, t]));
  const scores = entries.map((e) => scoreEntry(e, byName.get(e.name)));
  return { scores, totals: totalsOf(scores) };
}

import type { AttackResult } from '../catalog/types.ts';
import type { Exchange } from './types.ts';

/** What happened on one channel: the control before, the attack's requests, the control after. */
export interface ChannelRun {
  channel: string;
  before: Exchange;
  exchanges: Exchange[];
  after?: Exchange;
}

export interface JudgeOptions {
  /** labels of informational exchanges: their acceptance is recorded, not judged */
  informational?: Set<string>;
  /** robustness attacks: a 5xx or a timeout is itself the finding, not an inconclusive answer */
  errorsAreFindings?: boolean;
}

const brief = (e: Exchange) => `${e.label} (${e.response ? `HTTP ${e.response.status}` : e.why})`;
const list = (xs: Exchange[], n = 4) =>
  xs.slice(0, n).map(brief).join('; ') + (xs.length > n ? `; +${xs.length - n} more` : '');

/**
 * Every attack token must be refused. A refusal only counts next to a positive control accepted on the same
 * channel in the same run, before and after: a target that refuses everything is inconclusive, never green.
 */
export function judgeRejections(runs: ChannelRun[], opts: JudgeOptions = {}): AttackResult {
  const controls = runs.flatMap((r) => (r.after ? [r.before, r.after] : [r.before]));
  const valid = runs.filter((r) => r.before.outcome === 'accepted');
  const judged = (e: Exchange) => !opts.informational?.has(e.label);
  const accepted = valid.flatMap((r) =>
    r.exchanges.filter(
      (e) => judged(e) && (e.outcome === 'accepted' || (opts.errorsAreFindings && e.outcome === 'error')),
    ),
  );
  const findings = new Set(accepted);
  const evidence = [...accepted, ...runs.flatMap((r) => r.exchanges.filter((e) => !findings.has(e)))];
  if (accepted.length) {
    return {
      status: 'fail',
      reason: `accepted ${accepted.length} attack token(s): ${list(accepted)}`,
      controls,
      evidence,
    };
  }
  const noControl = runs.filter((r) => r.before.outcome !== 'accepted');
  if (noControl.length) {
    return {
      status: 'inconclusive',
      reason: `positive control not accepted on ${noControl.map((r) => `${r.channel}: ${r.before.why}`).join('; ')}; a refusal proves nothing`,
      controls,
      evidence,
    };
  }
  const errors = runs.flatMap((r) => r.exchanges.filter((e) => judged(e) && e.outcome === 'error'));
  if (errors.length) {
    return {
      status: 'inconclusive',
      reason: `no clear refusal for ${errors.length} token(s): ${list(errors)}`,
      controls,
      evidence,
    };
  }
  const lost = runs.filter((r) => r.after && r.after.outcome !== 'accepted');
  if (lost.length) {
    return {
      status: 'inconclusive',
      reason: `a valid token was no longer accepted after the attack (${lost.map((r) => `${r.channel}: ${r.after!.why}`).join('; ')})`,
      controls,
      evidence,
    };
  }
  const n = runs.reduce((s, r) => s + r.exchanges.length, 0);
  const statuses = [...new Set(evidence.map((e) => e.response?.status))].join('/');
  return {
    status: 'pass',
    reason: `all ${n} attack token(s) refused (HTTP ${statuses}) while a valid token was accepted`,
    controls,
    evidence,
  };
}

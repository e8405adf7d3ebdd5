import { dosRisk } from './analyze.ts';
import type { PlannedScenario } from './scenarios.ts';
import { summarizeRuns } from './stats.ts';
import type { BenchFinding, RunFigures, ScenarioResult, VerificationCost } from './types.ts';

const ROUNDS = 2;
const fmt = (v: number) => Math.round(v).toLocaleString('en-US');

/**
 * A denial-of-service flag from one run may be the machine's noise (another process, a pause). Each flagged
 * reject path is measured again back to back with the accept path, interleaved (accept, reject, accept,
 * reject), and stays a finding only if the rule holds on those figures too. Without time left to re-measure
 * (load.maxSeconds), the flag stands.
 */
export async function confirmDosRisks(
  results: ScenarioResult[],
  cost: VerificationCost,
  findings: BenchFinding[],
  planned: PlannedScenario[],
  /** one measured run of a scenario, no warm-up (none when the load clock ran out) */
  measureOnce: (p: PlannedScenario) => Promise<RunFigures[]>,
  log: (line: string) => void,
): Promise<{ findings: BenchFinding[]; notes: string[] }> {
  const acceptPlan = planned.find((p) => p.id === cost.accept);
  if (!acceptPlan || cost.dosRisk.length === 0) return { findings, notes: [] };
  const notes: string[] = [];
  const dropped = new Set<string>();
  for (const id of cost.dosRisk) {
    const rejectPlan = planned.find((p) => p.id === id);
    if (!rejectPlan) continue;
    log(`${id}: flagged as a DoS risk; measuring it again, interleaved with ${acceptPlan.id}`);
    const acc: RunFigures[] = [];
    const rej: RunFigures[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      acc.push(...(await measureOnce(acceptPlan)));
      rej.push(...(await measureOnce(rejectPlan)));
    }
    if (acc.length < ROUNDS || rej.length < ROUNDS) {
      notes.push(`${id}: DoS flag not re-measured (no load time left within load.maxSeconds); it stands`);
      continue;
    }
    const a = summarizeRuns(acc);
    const r = summarizeRuns(rej);
    const again = dosRisk(r, a);
    const figures = `${fmt(r.rps)} req/s, p50 ${r.latencyMs.p50.toFixed(2)} ms vs the accept path's ${fmt(a.rps)} req/s, p50 ${a.latencyMs.p50.toFixed(2)} ms`;
    const result = results.find((x) => x.id === id);
    if (again) {
      const f = findings.find((x) => x.scenario === id && x.kind === 'dos-risk');
      if (f) f.message += `; confirmed back to back with the accept path: ${figures}`;
    } else {
      dropped.add(id);
      notes.push(
        `${id}: looked like a DoS risk in its own run (${fmt(result?.rps ?? 0)} req/s) but not back to back ` +
          `with the accept path (${figures}): not a finding, the first figure was noise`,
      );
    }
  }
  cost.dosRisk = cost.dosRisk.filter((id) => !dropped.has(id));
  return { findings: findings.filter((f) => !(f.kind === 'dos-risk' && dropped.has(f.scenario))), notes };
}

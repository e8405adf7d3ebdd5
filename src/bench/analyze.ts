import type { BenchFinding, ScenarioResult, VerificationCost } from './types.ts';

/** A reject path is a denial-of-service risk when it is this many times dearer than the accept path. */
export const DOS_FACTOR = 3;

const ms = (v: number) => `${v.toFixed(2)} ms`;
const rps = (v: number) => `${Math.round(v)} req/s`;

/** Slower than the accept path by DOS_FACTOR in median latency, or in throughput: the reason, else undefined. */
export function dosRisk(
  reject: Pick<ScenarioResult, 'rps' | 'latencyMs'>,
  accept: Pick<ScenarioResult, 'rps' | 'latencyMs'>,
): string | undefined {
  const why: string[] = [];
  if (accept.latencyMs.p50 > 0 && reject.latencyMs.p50 > DOS_FACTOR * accept.latencyMs.p50)
    why.push(
      `p50 ${ms(reject.latencyMs.p50)} is ${(reject.latencyMs.p50 / accept.latencyMs.p50).toFixed(1)}× the ` +
        `accept path's ${ms(accept.latencyMs.p50)}`,
    );
  if (accept.rps > 0 && reject.rps < accept.rps / DOS_FACTOR)
    why.push(`${rps(reject.rps)} is under 1/${DOS_FACTOR} of the accept path's ${rps(accept.rps)}`);
  return why.length ? why.join('; ') : undefined;
}

function statusList(statuses: Record<string, number>, ok: (s: number) => boolean): string {
  return Object.entries(statuses)
    .filter(([code]) => !ok(Number(code)))
    .map(([code, n]) => `${code} ×${n}`)
    .join(', ');
}

/**
 * What verification costs on one channel (accept path vs no-auth baseline, cheapest and dearest reject), and
 * the findings: responses a scenario should not get (an attack token accepted under load is high), connection
 * errors, and reject paths dear enough to be a denial-of-service lever.
 */
export function analyzeChannel(
  channel: string,
  results: ScenarioResult[],
  expected: (kind: ScenarioResult['kind']) => (status: number) => boolean,
): { cost: VerificationCost; findings: BenchFinding[] } {
  const measured = results.filter((r) => !r.skipped && r.requests > 0);
  const baseline = measured.find((r) => r.kind === 'baseline');
  const accept = measured.find((r) => r.kind === 'accept');
  const rejects = measured.filter((r) => r.kind === 'reject');
  const findings: BenchFinding[] = [];
  const cost: VerificationCost = { dosRisk: [] };
  if (baseline) cost.baseline = baseline.id;
  if (accept) cost.accept = accept.id;
  if (baseline && accept && baseline.rps > 0) cost.acceptVsBaseline = accept.rps / baseline.rps;
  if (rejects.length) {
    const byRps = [...rejects].sort((a, b) => b.rps - a.rps);
    cost.cheapestReject = { id: byRps[0]!.id, rps: byRps[0]!.rps };
    cost.dearestReject = { id: byRps.at(-1)!.id, rps: byRps.at(-1)!.rps };
  }

  for (const r of measured) {
    const ok = expected(r.kind);
    if (r.unexpected > 0) {
      const accepted = r.kind === 'reject' ? served(r.statuses) : 0;
      const what =
        r.kind === 'reject'
          ? accepted > 0
            ? `${accepted} attack token request(s) were served (2xx) under load`
            : 'responses were not rejections'
          : 'responses were not 2xx under load';
      findings.push({
        channel,
        scenario: r.id,
        kind: 'unexpected-status',
        severity: accepted > 0 ? 'high' : 'medium',
        message: `${r.unexpected} of ${r.requests} ${what} (expected ${r.expected}; got ${statusList(r.statuses, ok)})`,
      });
    }
    if (r.errors > 0)
      findings.push({
        channel,
        scenario: r.id,
        kind: 'errors',
        severity: 'medium',
        message: `${r.errors} connection error(s)${r.timeouts ? `, ${r.timeouts} time-out(s)` : ''} under load`,
      });
  }
  if (accept) {
    for (const r of rejects) {
      const why = dosRisk(r, accept);
      if (!why) continue;
      cost.dosRisk.push(r.id);
      findings.push({
        channel,
        scenario: r.id,
        kind: 'dos-risk',
        severity: 'medium',
        message:
          `denial-of-service risk: rejecting this token is much dearer than accepting a valid one (${why}); ` +
          'anyone without a valid token can load the service through this path',
      });
    }
  }
  return { cost, findings };
}

/** how many responses were 2xx */
function served(statuses: Record<string, number>): number {
  let n = 0;
  for (const [code, c] of Object.entries(statuses)) if (code.startsWith('2')) n += c;
  return n;
}

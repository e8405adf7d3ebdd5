import type { CpuBusy } from './cpu-busy.ts';
import type { BenchReport, ChannelBench, GeneratorCeiling } from './types.ts';

const lpad = (s: string | number, n: number) => String(s).padStart(n);
const n = (v: number) => Math.round(v).toLocaleString('en-US');
const ms = (v: number) => v.toFixed(2);
/** `80/99 %`: how busy the target's and the generator's CPUs were */
export const cpuPair = (c: CpuBusy | undefined) =>
  c ? `${Math.round(c.target * 100)}/${Math.round(c.generator * 100)} %` : '';

/** The generator's ceiling in words, with which side the CPU figures say was the limit. */
export function ceilingText(c: GeneratorCeiling): string {
  if (!c.rps) return c.skipped ?? 'not measured';
  const cpu = c.cpuBusy
    ? `; CPU server/generator ${cpuPair(c.cpuBusy)}${c.serverBound ? ': the trivial server was the limit, so the generator’s own ceiling is higher' : ''}`
    : '';
  return `${n(c.rps)} req/s (${c.server}, same settings${cpu})`;
}

function table(c: ChannelBench): string[] {
  const w = Math.max(8, ...c.scenarios.map((s) => s.id.length));
  const head = `${'scenario'.padEnd(w)}  ${'kind'.padEnd(8)}  ${lpad('req/s', 8)}  ${lpad('p50 ms', 7)}  ${lpad('p90 ms', 7)}  ${lpad('p99 ms', 7)}  ${lpad('max ms', 7)}  ${lpad('requests', 9)}  ${lpad('unexpected', 10)}  ${lpad('errors', 6)}  statuses`;
  const rows = c.scenarios.map((s) => {
    const id = s.id.padEnd(w);
    if (s.skipped) return `${id}  ${s.kind.padEnd(8)}  skipped: ${s.skipped}`;
    const flag =
      (s.nearCeiling ? ' (near the generator ceiling)' : '') +
      (s.generatorBound ? ' (generator-bound: its CPUs saturated, the target’s not)' : '');
    const statuses = Object.entries(s.statuses)
      .map(([code, k]) => `${code}×${k}`)
      .join(' ');
    return (
      `${id}  ${s.kind.padEnd(8)}  ${lpad(n(s.rps), 8)}  ${lpad(ms(s.latencyMs.p50), 7)}  ${lpad(ms(s.latencyMs.p90), 7)}  ` +
      `${lpad(ms(s.latencyMs.p99), 7)}  ${lpad(ms(s.latencyMs.max), 7)}  ${lpad(n(s.requests), 9)}  ${lpad(n(s.unexpected), 10)}  ` +
      `${lpad(n(s.errors), 6)}  ${lpad(cpuPair(s.cpuBusy), 9)}  ${statuses}${flag}`
    );
  });
  return [head, ...rows];
}

function cost(c: ChannelBench): string {
  const parts: string[] = [];
  if (c.cost.acceptVsBaseline !== undefined)
    parts.push(
      `accept path (${c.cost.accept}): ${c.cost.baselineLimited ? '≤ ' : ''}${(c.cost.acceptVsBaseline * 100).toFixed(0)} % of the no-auth baseline's req/s` +
        (c.cost.baselineLimited
          ? " (the baseline is at the load generator's ceiling, so the real share is lower)"
          : ''),
    );
  if (c.cost.cheapestReject)
    parts.push(`cheapest reject ${c.cost.cheapestReject.id} (${n(c.cost.cheapestReject.rps)} req/s)`);
  if (c.cost.dearestReject)
    parts.push(`dearest reject ${c.cost.dearestReject.id} (${n(c.cost.dearestReject.rps)} req/s)`);
  parts.push(
    c.cost.dosRisk.length ? `DoS risk: ${c.cost.dosRisk.join(', ')}` : 'no reject path flagged as a DoS risk',
  );
  return `cost: ${parts.join('; ')}`;
}

/** The console summary of a bench run: settings, generator ceiling, a table per channel, cost, findings. */
export function renderBenchSummary(b: BenchReport, dir: string): string {
  const s = b.settings;
  const lines = [
    `auth-gauntlet bench: ${b.target} — ${s.connections} connections, ${s.threads} generator thread(s), ` +
      `${s.warmupSeconds} s warm-up + ${s.runs} × ${s.durationSeconds} s per scenario` +
      `${s.runs > 1 ? ' (median of runs)' : ''}${s.maxRps ? `, ≤ ${s.maxRps} req/s` : ''}${s.maxSeconds ? `, ≤ ${s.maxSeconds} s of load` : ''}`,
    `host: ${b.host.cpus} CPU(s) ${b.host.cpuModel}, Node ${b.host.node}, load average ${b.host.loadAverage.join(' ')}; ${b.cpus.why}`,
    `load generator ceiling: ${ceilingText(b.ceiling)}`,
  ];
  for (const c of b.channels) lines.push('', `channel ${c.channel} ${c.target}`, ...table(c), cost(c));
  if (b.channels.some((c) => c.scenarios.some((s) => s.cpuBusy)))
    lines.push(
      `CPU t/g: how busy the target's CPUs (${b.cpus.target}) and the generator's (${b.cpus.generator}) were`,
    );
  for (const note of b.notes) lines.push(`note: ${note}`);
  lines.push('');
  if (b.inconclusive) lines.push(`INCONCLUSIVE: ${b.inconclusive}`);
  lines.push(
    b.findings.length
      ? `findings (${b.findings.length}):\n${b.findings.map((f) => `  [${f.severity}] ${f.channel} ${f.scenario}: ${f.message}`).join('\n')}`
      : 'findings: none',
  );
  lines.push(`reports: ${dir}/bench.json, ${dir}/results.json, ${dir}/index.html`);
  return lines.join('\n');
}

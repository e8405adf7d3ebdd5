import { ceilingText, cpuPair } from './summary.ts';
import { barChart, type Escape, latencyChart } from './svg.ts';
import type { BenchReport, ChannelBench, ScenarioResult } from './types.ts';

const COLOUR: Record<ScenarioResult['kind'], string> = {
  baseline: '#8d8d8d',
  accept: '#1b7f3b',
  reject: '#1565c0',
};
const RISK = '#c62828';

const n = (v: number) => Math.round(v).toLocaleString('en-US');
const ms = (v: number) => v.toFixed(2);
const pct = (v: number) => `${(v * 100).toFixed(0)} %`;

function statuses(s: Record<string, number>): string {
  return Object.entries(s)
    .map(([code, c]) => `${code}×${c}`)
    .join(' ');
}

function table(c: ChannelBench, esc: Escape): string {
  const rows = c.scenarios.map((r) => {
    if (r.skipped)
      return `<tr class="muted"><th>${esc(r.id)}</th><td>${esc(r.kind)}</td><td colspan="10">skipped: ${esc(r.skipped)}</td></tr>`;
    const bad = r.unexpected > 0 || c.cost.dosRisk.includes(r.id);
    return (
      `<tr${bad ? ' class="k-fail"' : ''} data-scenario="${esc(r.id)}"><th title="${esc(r.title)}">${esc(r.id)}</th>` +
      `<td>${esc(r.kind)}</td><td class="num">${n(r.rps)}${r.nearCeiling ? ' <span title="at or above 60 % of the load generator ceiling: may measure the generator">⚠</span>' : ''}` +
      `${r.generatorBound ? ' <span title="the load generator’s CPUs were saturated, the target’s were not: this figure is the generator’s">⚠ generator-bound</span>' : ''}</td>` +
      `<td class="num">${ms(r.latencyMs.p50)}</td><td class="num">${ms(r.latencyMs.p90)}</td>` +
      `<td class="num">${ms(r.latencyMs.p99)}</td><td class="num">${ms(r.latencyMs.max)}</td>` +
      `<td class="num">${n(r.requests)}</td><td>${esc(statuses(r.statuses))}</td>` +
      `<td class="num">${n(r.unexpected)} <span class="muted">(want ${esc(r.expected)})</span></td><td class="num">${n(r.errors)}</td>` +
      `<td class="num">${esc(cpuPair(r.cpuBusy))}</td></tr>`
    );
  });
  return (
    '<table class="grid bench"><thead><tr><th>scenario</th><th>kind</th><th>req/s</th><th>p50 ms</th><th>p90 ms</th>' +
    '<th>p99 ms</th><th>max ms</th><th>requests</th><th>statuses</th><th>unexpected</th><th>errors</th>' +
    '<th title="how busy the target’s CPUs and the load generator’s CPUs were">CPU target/generator</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function cost(c: ChannelBench, esc: Escape): string {
  const by = (id?: string) => c.scenarios.find((s) => s.id === id);
  const parts: string[] = [];
  const accept = by(c.cost.accept);
  if (accept && c.cost.acceptVsBaseline !== undefined)
    parts.push(
      `accept path (${esc(accept.id)}): <b>${c.cost.baselineLimited ? '≤ ' : ''}${pct(c.cost.acceptVsBaseline)}</b> of the no-auth baseline's requests/s` +
        (c.cost.baselineLimited
          ? ' (the baseline is at the load generator’s ceiling, so the real share is lower)'
          : ''),
    );
  if (c.cost.cheapestReject)
    parts.push(`cheapest reject: ${esc(c.cost.cheapestReject.id)} (${n(c.cost.cheapestReject.rps)} req/s)`);
  if (c.cost.dearestReject)
    parts.push(`dearest reject: ${esc(c.cost.dearestReject.id)} (${n(c.cost.dearestReject.rps)} req/s)`);
  if (c.cost.dosRisk.length)
    parts.push(`<b class="k-fail">denial-of-service risk: ${esc(c.cost.dosRisk.join(', '))}</b>`);
  return parts.length ? `<p>${parts.join(' · ')}</p>` : '';
}

function channel(c: ChannelBench, b: BenchReport, esc: Escape): string {
  const measured = c.scenarios.filter((s) => !s.skipped && s.requests > 0);
  const bars = measured.map((s) => ({
    label: s.id,
    value: s.rps,
    colour: c.cost.dosRisk.includes(s.id) || s.unexpected > 0 ? RISK : COLOUR[s.kind],
  }));
  const charts = measured.length
    ? barChart(
        `${c.channel}: throughput per scenario`,
        'req/s',
        bars,
        esc,
        b.ceiling.rps ? { value: b.ceiling.rps, label: 'generator ceiling' } : undefined,
      ) +
      latencyChart(
        `${c.channel}: latency per scenario`,
        measured.map((s) => ({ label: s.id, ...s.latencyMs })),
        esc,
      )
    : '';
  return (
    `<h4>Channel ${esc(c.channel)} <span class="muted">${esc(c.target)}</span></h4>` +
    cost(c, esc) +
    `<div class="charts">${charts}</div>` +
    table(c, esc)
  );
}

/** The bench section of a target in the HTML report: settings, generator ceiling, per channel charts and table. */
export function renderBenchSection(b: BenchReport, esc: Escape): string {
  const s = b.settings;
  const settings =
    `${s.connections} connections · ${s.threads} generator thread(s) · ${s.warmupSeconds} s warm-up + ` +
    `${s.runs} × ${s.durationSeconds} s per scenario${s.runs > 1 ? ' (median of runs)' : ''}` +
    `${s.maxRps ? ` · at most ${s.maxRps} req/s` : ''}${s.maxSeconds ? ` · at most ${s.maxSeconds} s of load` : ''}`;
  const ceiling = `load generator ceiling on this machine: ${esc(ceilingText(b.ceiling))}`;
  const findings = b.findings.length
    ? `<ul class="bench-findings">${b.findings
        .map(
          (f) =>
            `<li><span class="sev sev-${esc(f.severity)}">${esc(f.severity)}</span> <code>${esc(f.scenario)}</code> ${esc(f.message)}</li>`,
        )
        .join('')}</ul>`
    : '<p>No bench finding: every scenario got only the statuses it expects, and no reject path is much dearer than the accept path.</p>';
  const inconclusive = b.inconclusive
    ? `<div class="error" role="alert"><b>Bench inconclusive:</b> ${esc(b.inconclusive)}</div>`
    : '';
  return (
    `<section class="bench"><h3>Verification throughput benchmark</h3>` +
    `<p class="muted">${esc(b.startedAt)} – ${esc(b.finishedAt)} · ${esc(settings)} · host ${esc(b.host.cpus)} CPU(s) ` +
    `${esc(b.host.cpuModel)}, Node ${esc(b.host.node)}, load average ${esc(b.host.loadAverage.join(' '))} · ${esc(b.cpus.why)}</p>` +
    `${inconclusive}<p>${ceiling}</p>${findings}` +
    b.channels.map((c) => channel(c, b, esc)).join('') +
    (b.notes.length ? `<ul class="muted">${b.notes.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>` : '') +
    '</section>'
  );
}

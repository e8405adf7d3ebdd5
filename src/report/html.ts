import { createHash } from 'node:crypto';
import { renderBenchSection } from '../bench/html.ts';
import type { Exchange, Reference, TokenEvidence, Verdict } from '../verdict/types.ts';
import { scrub } from './redact.ts';
import { type Counts, countVerdicts, isAdvisory, isRed, type RunReport, type TargetReport } from './types.ts';

/** What the page shows for a verdict: a fail accepted by a baseline is its own (amber) kind, never a pass. */
type Shown = 'pass' | 'fail' | 'accepted' | 'advisory' | 'inconclusive' | 'skipped';

const MAX_EXCHANGES = 50;
const MAX_LOG_CHARS = 200_000;
const LABEL: Record<Shown, string> = {
  pass: 'PASS',
  fail: 'FAIL',
  accepted: 'ACCEPTED',
  advisory: 'ADVISORY',
  inconclusive: 'INCONCLUSIVE',
  skipped: 'SKIPPED',
};
const ORDER: Shown[] = ['pass', 'fail', 'accepted', 'advisory', 'inconclusive', 'skipped'];

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and quoted attributes; drops control characters browsers would mangle. */
export function esc(value: unknown): string {
  return String(value ?? '')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '');
}

/** Second line of defence: evidence is redacted by the probes, but no token-shaped string may reach the page. */
const clean = (text: string) => esc(scrub(text, []));

const shown = (v: Verdict): Shown =>
  v.status === 'fail' && v.accepted ? 'accepted' : isAdvisory(v) ? 'advisory' : v.status;

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'x';

function json(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? 'undefined';
  } catch {
    return String(value);
  }
}

/** Anchor ids by position (target, then verdict), sanitised and made unique once, so links and sections agree. */
interface Ids {
  target: string[];
  verdict: string[][];
}

function assignIds(report: RunReport): Ids {
  const used = new Set<string>();
  const unique = (base: string) => {
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  };
  return {
    target: report.targets.map((t) => unique(`t-${slug(t.name)}`)),
    verdict: report.targets.map((t) =>
      t.verdicts.map((v) => unique(`v-${slug(t.name)}-${slug(v.attackId)}`)),
    ),
  };
}

function badge(kind: Shown): string {
  return `<span class="badge b-${kind}">${LABEL[kind]}</span>`;
}

/** What the target did with one request; outlined, so it is not mistaken for a verdict status. */
function outcome(o: Exchange['outcome']): string {
  return `<span class="out o-${esc(o)}">${esc(o)}</span>`;
}

function reference(r: Reference): string {
  const text = `${esc(r.id)}${r.title ? ` — ${esc(r.title)}` : ''}`;
  return r.url.startsWith('https://')
    ? `<li><a href="${esc(r.url)}" rel="noopener noreferrer">${text}</a></li>`
    : `<li>${text} <span class="muted">(${esc(r.url)})</span></li>`;
}

function headerTable(headers: Record<string, string>): string {
  const rows = Object.entries(headers).map(([k, v]) => `<tr><th>${esc(k)}</th><td>${clean(v)}</td></tr>`);
  return rows.length ? `<table class="kv">${rows.join('')}</table>` : '<p class="muted">no headers</p>';
}

function token(t: TokenEvidence): string {
  return (
    `<div class="part"><h5>Token <span class="muted">(${esc(t.length)} chars, sha256 ${esc(t.sha256)})</span></h5>` +
    `<pre class="tok">${esc(t.redacted)}</pre>` +
    `<div class="cols"><div><h6>header</h6><pre>${esc(json(t.header))}</pre></div>` +
    `<div><h6>payload</h6><pre>${esc(json(t.payload))}</pre></div></div></div>`
  );
}

function exchange(x: Exchange): string {
  const status = x.response ? ` → ${esc(x.response.status)}` : '';
  const response = x.response
    ? `<div class="part"><h5>Response ${esc(x.response.status)}</h5>${headerTable(x.response.headers)}` +
      (x.response.body ? `<pre>${clean(x.response.body)}</pre>` : '<p class="muted">empty body</p>') +
      '</div>'
    : '';
  return (
    `<details class="ex"><summary>${outcome(x.outcome)} <b>${esc(x.label)}</b> <span class="muted">${esc(x.channel)}` +
    ` · ${esc(x.request.method)}${status} · ${esc(x.ms)} ms</span><br><span class="why">${esc(x.why)}</span></summary>` +
    `<div class="part"><h5>Request</h5><p><code>${esc(x.request.method)} ${clean(x.request.url)}</code></p>` +
    `${headerTable(x.request.headers)}` +
    (x.request.body ? `<pre>${clean(x.request.body)}</pre>` : '') +
    '</div>' +
    (x.token ? token(x.token) : '') +
    response +
    (x.error ? `<div class="part"><h5>Error</h5><pre class="err">${clean(x.error)}</pre></div>` : '') +
    '</details>'
  );
}

function exchanges(title: string, list: Exchange[]): string {
  if (!list.length) return `<h4>${title}</h4><p class="muted">none</p>`;
  const more = list.length - MAX_EXCHANGES;
  return (
    `<h4>${title} (${list.length})</h4>` +
    list.slice(0, MAX_EXCHANGES).map(exchange).join('') +
    (more > 0 ? `<p class="more">+${more} more not shown (see results.json)</p>` : '')
  );
}

function verdict(v: Verdict, id: string): string {
  const kind = shown(v);
  const open = kind === 'fail' || kind === 'inconclusive' ? ' open' : '';
  const accepted = v.accepted
    ? `<p class="accepted"><b>accepted:</b> ${esc(v.accepted.justification)}` +
      `${v.accepted.expires ? ` (expires ${esc(v.accepted.expires)})` : ''}</p>`
    : '';
  const refs = v.references.length ? `<ul class="refs">${v.references.map(reference).join('')}</ul>` : '';
  return (
    `<details class="verdict k-${kind}" id="${esc(id)}" data-status="${kind}"${open}>` +
    `<summary>${badge(kind)} <code>${esc(v.attackId)}</code> ${esc(v.title)} ` +
    `<span class="sev sev-${esc(v.severity)}">${esc(v.severity)}</span></summary>` +
    `<p class="reason">${esc(v.reason)}</p>${accepted}` +
    `<p class="muted">area ${esc(v.area)} · started ${esc(v.startedAt)} · ${esc(v.ms)} ms</p>${refs}` +
    exchanges('Positive controls', v.controls) +
    exchanges('Evidence', v.evidence) +
    '</details>'
  );
}

function logs(t: TargetReport): string {
  const entries = Object.entries(t.logs ?? {});
  if (!entries.length) return '';
  const blocks = entries.map(([name, text]) => {
    const cut = text.length > MAX_LOG_CHARS ? `…(${text.length - MAX_LOG_CHARS} earlier chars cut)\n` : '';
    return `<details class="log"><summary>logs: ${esc(name)}</summary><pre>${cut}${clean(text.slice(-MAX_LOG_CHARS))}</pre></details>`;
  });
  return `<h3>Container logs</h3>${blocks.join('')}`;
}

function countsLine(c: Counts): string {
  return ORDER.map((k) => `${badge(k)} ${c[k]}`).join(' ');
}

function target(t: TargetReport, ti: number, ids: Ids): string {
  const meta = [`manifest ${esc(t.file)}`, `launch ${esc(t.launch)}`, t.vuln ? `VULN=${esc(t.vuln)}` : '']
    .filter(Boolean)
    .join(' · ');
  const error = t.error
    ? `<div class="error" role="alert"><b>Target could not be tested:</b><pre>${clean(t.error)}</pre></div>`
    : '';
  return (
    `<section class="target" id="${esc(ids.target[ti])}"><h2>Target: ${esc(t.name)}</h2>` +
    `<p class="muted">${meta}</p>${error}<p>${countsLine(countVerdicts(t.verdicts))}</p>` +
    t.verdicts.map((v, vi) => verdict(v, ids.verdict[ti]![vi]!)).join('') +
    (t.bench ? renderBenchSection(t.bench, esc) : '') +
    logs(t) +
    '</section>'
  );
}

function overall(report: RunReport): string {
  const total = report.targets.map((t) => countVerdicts(t.verdicts));
  const sum = (k: keyof Counts) => total.reduce((s, c) => s + c[k], 0);
  const errors = report.targets.filter((t) => t.error).length;
  if (
    report.targets.length > 0 &&
    report.targets.every((t) => t.bench && !t.error && t.verdicts.length === 0)
  )
    return '<p class="overall bench-only">Benchmark only — no attack was run for this report (run <code>npm test</code> for verdicts)</p>';
  if (isRed(report)) {
    const why = [
      errors ? `${errors} target(s) could not be tested` : '',
      sum('fail') ? `${sum('fail')} open finding(s)` : '',
      sum('inconclusive') ? `${sum('inconclusive')} inconclusive verdict(s): not proven safe` : '',
      report.targets.some((t) => !t.error && t.verdicts.length === 0) || report.targets.length === 0
        ? 'nothing was tested'
        : '',
    ].filter(Boolean);
    return `<p class="overall red">Result: RED — ${why.join('; ')}</p>`;
  }
  const notes = [
    `${sum('pass')} passed`,
    `${sum('accepted')} accepted finding(s)`,
    `${sum('advisory')} advisory (info) finding(s)`,
    `${sum('skipped')} skipped`,
  ];
  return `<p class="overall green">Result: GREEN — no open finding and nothing inconclusive (${notes.join(', ')})</p>`;
}

function summary(report: RunReport, ids: Ids): string {
  const rows = report.targets.map((t, ti) => {
    const c = countVerdicts(t.verdicts);
    const cells = ORDER.map((k) => `<td class="num" data-count="${k}">${c[k]}</td>`).join('');
    const state = t.error ? '<td class="k-fail">ERROR: not tested</td>' : '<td>tested</td>';
    return `<tr data-target="${esc(t.name)}"><th><a href="#${esc(ids.target[ti])}">${esc(t.name)}</a></th>${cells}${state}</tr>`;
  });
  const head = ORDER.map((k) => `<th>${LABEL[k].toLowerCase()}</th>`).join('');
  return (
    `<h2>Summary</h2>${overall(report)}` +
    `<table class="grid summary"><thead><tr><th>target</th>${head}<th>state</th></tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

/** Attacks as rows (the list is long), targets as columns; each cell links to the verdict's section. */
function matrix(report: RunReport, ids: Ids): string {
  if (report.targets.length < 2) return '';
  const attacks = new Map<string, string>();
  for (const t of report.targets)
    for (const v of t.verdicts) if (!attacks.has(v.attackId)) attacks.set(v.attackId, v.title);
  const rows = [...attacks].map(([id, title]) => {
    const cells = report.targets.map((t, ti) => {
      const links = t.verdicts.flatMap((v, vi) =>
        v.attackId === id ? [`<a href="#${esc(ids.verdict[ti]![vi])}">${badge(shown(v))}</a>`] : [],
      );
      return links.length ? `<td>${links.join(' ')}</td>` : '<td class="muted">not run</td>';
    });
    return `<tr><th><code>${esc(id)}</code> <span class="muted">${esc(title)}</span></th>${cells.join('')}</tr>`;
  });
  const head = report.targets.map((t) => `<th>${esc(t.name)}</th>`).join('');
  return (
    `<h2>Matrix</h2><table class="grid matrix"><thead><tr><th>attack</th>${head}</tr></thead>` +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

const CSS = `
:root{--pass:#1b7f3b;--fail:#c62828;--accepted:#b26a00;--advisory:#1565c0;--inconclusive:#6a3d9a;--skipped:#6b6b6b}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d1d1f;max-width:1200px;margin:0 auto;padding:1.5em}
h1{font-size:1.6em;margin:0 0 .2em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:1.8em}
h4{margin:.9em 0 .3em}h5{margin:.5em 0 .2em;font-size:.95em}h6{margin:.3em 0;font-size:.85em;color:#555}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
pre{background:#f6f6f6;border:1px solid #e3e3e3;padding:.5em;white-space:pre-wrap;overflow-wrap:anywhere;margin:.2em 0}
.muted{color:#666}.num{text-align:right}
table{border-collapse:collapse}.grid th,.grid td{border:1px solid #ddd;padding:.25em .5em;text-align:left}
.grid thead th{background:#f3f3f3}
.kv th,.kv td{padding:.1em .5em;vertical-align:top;text-align:left;font:12px ui-monospace,Menlo,Consolas,monospace}
.kv td{overflow-wrap:anywhere}
.badge{display:inline-block;padding:0 .45em;border-radius:3px;color:#fff;font-size:.78em;font-weight:600;letter-spacing:.03em}
.b-pass{background:var(--pass)}.b-fail{background:var(--fail)}.b-accepted{background:var(--accepted)}.b-advisory{background:var(--advisory)}
.b-inconclusive{background:var(--inconclusive)}.b-skipped{background:var(--skipped)}
.out{display:inline-block;padding:0 .4em;border:1px solid;border-radius:3px;font-size:.78em;font-weight:600}
.o-rejected,.o-accepted{color:#333}.o-error{color:var(--inconclusive)}
.matrix a{text-decoration:none}
.overall{font-size:1.2em;font-weight:700;padding:.5em .8em;border-radius:4px}
.overall.red{background:#fdecea;color:var(--fail);border:2px solid var(--fail)}
.overall.green{background:#e8f5e9;color:var(--pass);border:2px solid var(--pass)}
.overall.bench-only{background:#f3f3f3;border:2px solid var(--skipped)}
.bench .charts{display:flex;flex-wrap:wrap;gap:1em;margin:.5em 0}.chart{font:11px system-ui,sans-serif;max-width:100%;height:auto}
.chart .ct{font-weight:600}.chart .mk{fill:#444}.bench tr.k-fail th,.bench tr.k-fail td{color:var(--fail)}
.error{background:#fdecea;border:2px solid var(--fail);padding:.6em .8em;margin:.8em 0}
.verdict{border:1px solid #ddd;border-left:6px solid var(--skipped);margin:.5em 0;padding:.3em .8em}
.verdict>summary{cursor:pointer;font-weight:600}
.k-pass{border-left-color:var(--pass)}.k-fail{border-left-color:var(--fail)}
.k-accepted{border-left-color:var(--accepted)}.k-advisory{border-left-color:var(--advisory)}.k-inconclusive{border-left-color:var(--inconclusive)}
td.k-fail{color:var(--fail);font-weight:700}
.sev{font-size:.78em;font-weight:400;border:1px solid #999;border-radius:3px;padding:0 .35em;color:#444}
.sev-critical,.sev-high{border-color:var(--fail);color:var(--fail)}
.reason{font-size:1.05em}.accepted{background:#fff4e0;border-left:4px solid var(--accepted);padding:.3em .6em}
.refs{margin:.2em 0;padding-left:1.2em}
.ex{border-top:1px dashed #ddd;padding:.25em 0}.ex>summary{cursor:pointer}.why{color:#444;margin-left:1em}
.part{margin-left:1em}.cols{display:flex;gap:1em}.cols>div{flex:1;min-width:0}
.more{font-style:italic;color:#666}
.toolbar{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:.4em 0;z-index:1}
.toolbar label{margin-right:.8em}
@media print{
  body{max-width:none;padding:0;font-size:11px}.toolbar{display:none}
  .verdict,.ex,.grid tr{break-inside:avoid}.verdict{display:block!important}
  a{color:inherit;text-decoration:none}
  .badge,.overall,.error,.accepted,.verdict{-webkit-print-color-adjust:exact;print-color-adjust:exact}
}`;

/** Filtering by status, expand/collapse all, and everything expanded when printing. Holds no report data. */
const SCRIPT = `(()=>{const q=(s)=>[...document.querySelectorAll(s)];
const sync=()=>{const on=new Set(q('.toolbar input:checked').map((i)=>i.value));
for(const d of q('details.verdict'))d.style.display=on.has(d.dataset.status)?'':'none';};
for(const i of q('.toolbar input'))i.addEventListener('change',sync);
const all=(open)=>{for(const d of q('details'))d.open=open;};
document.getElementById('expand').addEventListener('click',()=>all(true));
document.getElementById('collapse').addEventListener('click',()=>all(false));
addEventListener('beforeprint',()=>all(true));})();`;

function toolbar(): string {
  const boxes = ORDER.map((k) => `<label><input type="checkbox" value="${k}" checked> ${badge(k)}</label>`);
  return (
    `<div class="toolbar">Show: ${boxes.join('')}` +
    '<button type="button" id="expand">expand all</button> <button type="button" id="collapse">collapse all</button></div>'
  );
}

/** One self-contained HTML page (inline CSS and a small inline script, no external resources) for auditors. */
export function renderHtml(report: RunReport): string {
  const ids = assignIds(report);
  const scriptHash = createHash('sha256').update(SCRIPT).digest('base64');
  const csp = `default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-${scriptHash}'; base-uri 'none'; form-action 'none'`;
  const title = `${report.tool.name} ${report.tool.version} report`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${esc(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body>
<header><h1>${esc(report.tool.name)} <span class="muted">${esc(report.tool.version)}</span></h1>
<p>Run started ${esc(report.startedAt)} · finished ${esc(report.finishedAt)} · ${report.targets.length} target(s)</p></header>
${toolbar()}
${summary(report, ids)}
${matrix(report, ids)}
${report.targets.map((t, ti) => target(t, ti, ids)).join('\n')}
<script>${SCRIPT}</script>
</body></html>
`;
}

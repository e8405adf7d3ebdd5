import { countVerdicts, isRed, type RunReport } from '../report/types.ts';

const pad = (s: string | number, n: number) => String(s).padEnd(n);
const lpad = (s: string | number, n: number) => String(s).padStart(n);

/** The console summary of a fleet run: a line per target, then open, accepted and expired findings. */
export function renderSummary(report: RunReport, dir: string, seconds: number): string {
  const width = Math.max(6, ...report.targets.map((t) => t.name.length));
  const cols = ['pass', 'fail', 'accepted', 'inconclusive', 'skipped'] as const;
  const lines = [
    `${pad('target', width)}  ${cols.map((c) => lpad(c, c.length)).join('  ')}  state`,
    ...report.targets.map((t) => {
      const c = countVerdicts(t.verdicts);
      const state = t.error
        ? `NOT TESTED: ${t.error.split('\n')[0]}`
        : c.fail || c.inconclusive
          ? 'RED'
          : 'green';
      return `${pad(t.name, width)}  ${cols.map((k) => lpad(c[k], k.length)).join('  ')}  ${state}`;
    }),
  ];
  const open = report.targets.flatMap((t) =>
    t.verdicts
      .filter((v) => v.status === 'fail' && !v.accepted)
      .map((v) => `  ${t.name}  ${v.attackId} (${v.severity}): ${v.reason}`),
  );
  const unclear = report.targets.flatMap((t) =>
    t.verdicts
      .filter((v) => v.status === 'inconclusive')
      .map((v) => `  ${t.name}  ${v.attackId}: ${v.reason}`),
  );
  const accepted = report.targets.flatMap((t) =>
    t.verdicts
      .filter((v) => v.accepted)
      .map(
        (v) =>
          `  ${t.name}  ${v.attackId}: ${v.accepted!.justification}${v.accepted!.expires ? ` (until ${v.accepted!.expires})` : ''}`,
      ),
  );
  const stale = report.targets.flatMap((t) =>
    (t.acceptedFindings?.entries ?? [])
      .filter((e) => e.state !== 'applied')
      .map((e) =>
        e.state === 'expired'
          ? `  ${t.name}  ${e.attack}: expired on ${e.expires}, counts as a finding again`
          : `  ${t.name}  ${e.attack}: the attack no longer fails; the entry can be removed`,
      ),
  );
  const section = (title: string, xs: string[]) => (xs.length ? ['', `${title} (${xs.length}):`, ...xs] : []);
  const red = isRed(report);
  return [
    ...lines,
    ...section('open findings', open),
    ...section('inconclusive', unclear),
    ...section('accepted findings', accepted),
    ...section('accepted-findings entries to review', stale),
    '',
    `auth-gauntlet scan: ${report.targets.length} target(s) in ${seconds.toFixed(1)} s — ${red ? 'RED' : 'GREEN'} — reports in ${dir}/ (index.html, junit.xml, results.json)`,
  ].join('\n');
}

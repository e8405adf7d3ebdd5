import { countVerdicts, type RunReport } from './types.ts';

const esc = (s: string) =>
  s
    .replace(
      /[<>&'"]/g,
      (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
    )
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');

/** One testsuite per target, one testcase per attack; fail → failure, inconclusive → error, skipped → skipped. */
export function renderJunit(report: RunReport): string {
  const suites = report.targets.map((t) => {
    const c = countVerdicts(t.verdicts);
    const time = t.verdicts.reduce((s, v) => s + v.ms, 0) / 1000;
    const cases = t.verdicts.map((v) => {
      const refs = v.references.map((r) => r.id).join(', ');
      const body =
        v.status === 'fail' && !v.accepted
          ? `<failure type="vulnerable" message="${esc(v.reason)}">${esc(`${v.reason}\nseverity: ${v.severity}\nreferences: ${refs}`)}</failure>`
          : v.status === 'fail'
            ? `<system-out>${esc(`accepted finding: ${v.accepted!.justification}\n${v.reason}`)}</system-out>`
            : v.status === 'inconclusive'
              ? `<error type="inconclusive" message="${esc(v.reason)}"/>`
              : v.status === 'skipped'
                ? `<skipped message="${esc(v.reason)}"/>`
                : `<system-out>${esc(v.reason)}</system-out>`;
      return `    <testcase classname="${esc(`${t.name}.${v.area}`)}" name="${esc(`${v.attackId}: ${v.title}`)}" time="${(v.ms / 1000).toFixed(3)}">${body}</testcase>`;
    });
    if (t.error)
      cases.unshift(
        `    <testcase classname="${esc(t.name)}" name="launch"><error type="launch" message="${esc(t.error)}"/></testcase>`,
      );
    return (
      `  <testsuite name="${esc(t.name)}" tests="${cases.length}" failures="${c.fail}" errors="${c.inconclusive + (t.error ? 1 : 0)}" skipped="${c.skipped}" time="${time.toFixed(3)}" timestamp="${report.startedAt}">\n` +
      `${cases.join('\n')}\n  </testsuite>`
    );
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="auth-gauntlet">\n${suites.join('\n')}\n</testsuites>\n`;
}

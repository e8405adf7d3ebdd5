import type { EntryScore, Totals } from './score.ts';

const list = (xs: string[]) => (xs.length ? xs.join(', ') : '-');

/** The proof as a table: entry × (expected classes, found, missed, false positives), then the totals. */
export function renderScoreTable(scores: EntryScore[], totals: Totals): string {
  const rows = scores.map((s) => [
    s.entry,
    s.vulnerable ? 'yes' : 'no',
    list(s.expected),
    `${s.found.length}/${s.expected.length}`,
    s.inconclusive !== undefined ? `INCONCLUSIVE: ${list(s.missed)}` : list(s.missed),
    list([
      ...new Set(s.falsePositives.map((f) => (f.class === f.attack ? f.attack : `${f.class} (${f.attack})`))),
    ]),
    list(s.nonCve),
    s.right ? 'right' : 'WRONG',
  ]);
  const head = [
    'entry',
    'vuln',
    'expected classes',
    'found',
    'missed',
    'false positives',
    'also (no CVE)',
    'result',
  ];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  const out = [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  out.push(
    '',
    `entries right: ${totals.right}/${totals.entries} · expected classes: ${totals.expected} · found: ${totals.found} · ` +
      `missed: ${totals.missed} · false positives: ${totals.falsePositives} · non-CVE findings (also_accepts): ${totals.nonCve}` +
      (totals.inconclusive ? ` · inconclusive targets: ${totals.inconclusive}` : ''),
  );
  const fps = scores.flatMap((s) => s.falsePositives.map((f) => `  ${s.entry}  ${f.attack}: ${f.evidence}`));
  if (fps.length) out.push('', `false positives, with what the server accepted (${fps.length}):`, ...fps);
  const unclear = scores.flatMap((s) => s.unclear.map((f) => `  ${s.entry}  ${f.attack}: ${f.evidence}`));
  if (unclear.length)
    out.push('', `inconclusive verdicts on tested targets, not scored (${unclear.length}):`, ...unclear);
  const notTested = scores
    .filter((s) => s.inconclusive !== undefined)
    .map((s) => `  ${s.entry}: ${s.inconclusive}`);
  if (notTested.length)
    out.push('', `targets not tested (each class counts as a miss) (${notTested.length}):`, ...notTested);
  return out.join('\n');
}

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderHtml } from '../report/html.ts';
import { renderJson } from '../report/json.ts';
import type { RunReport, TargetReport } from '../report/types.ts';
import { REPORT_DIR, writeReports } from '../report/write.ts';
import { VERSION } from '../version.ts';
import type { BenchReport } from './types.ts';

export interface BenchTargetInfo {
  name: string;
  file: string;
  launch: 'containers' | 'url';
  vuln?: string;
}

function readReport(file: string): RunReport | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const r = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
    return Array.isArray(r.targets) ? r : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The run report with this bench in it: when `results.json` already describes this target (an `npm test` run
 * before), the bench is attached to it and its verdicts are kept; otherwise a report of the bench alone.
 */
export function withBench(
  previous: RunReport | undefined,
  target: BenchTargetInfo,
  bench: BenchReport,
): RunReport {
  // the same target as run by the same manifest, with the same VULN switches: not a report of another run
  const same = (t: TargetReport) =>
    t.name === target.name && t.file === target.file && (t.vuln ?? '') === (target.vuln ?? '');
  if (previous?.targets.some(same)) {
    return {
      ...previous,
      targets: previous.targets.map((t) => {
        if (!same(t)) return t;
        const { summary: _summary, ...rest } = t as TargetReport & { summary?: unknown };
        return { ...rest, bench };
      }),
    };
  }
  return {
    tool: { name: 'auth-gauntlet', version: VERSION },
    startedAt: bench.startedAt,
    finishedAt: bench.finishedAt,
    targets: [{ ...target, verdicts: [], bench }],
  };
}

/** `bench.json`: this bench run alone, for trend tracking in CI. */
export function writeBenchJson(bench: BenchReport, dir = REPORT_DIR): void {
  mkdirSync(dir, { recursive: true });
  const doc = { tool: { name: 'auth-gauntlet', version: VERSION }, ...bench };
  writeFileSync(join(dir, 'bench.json'), `${JSON.stringify(doc, null, 2)}\n`);
}

/**
 * Writes `bench.json` (this run alone, for trend tracking in CI) and the bench into `results.json` and
 * `index.html`: joined to the attack run of the same target when there is one (its `junit.xml` stays as it
 * is), else as a report of its own (all three files, so they agree).
 */
export function writeBenchReports(target: BenchTargetInfo, bench: BenchReport, dir = REPORT_DIR): string {
  writeBenchJson(bench, dir);
  const report = withBench(readReport(join(dir, 'results.json')), target, bench);
  if (report.targets.some((t) => t.verdicts.length > 0)) {
    writeFileSync(join(dir, 'results.json'), renderJson(report));
    writeFileSync(join(dir, 'index.html'), renderHtml(report));
  } else writeReports(report, dir);
  return dir;
}

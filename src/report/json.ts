import { countVerdicts, type RunReport } from './types.ts';

export function renderJson(report: RunReport): string {
  return `${JSON.stringify(
    { ...report, targets: report.targets.map((t) => ({ ...t, summary: countVerdicts(t.verdicts) })) },
    null,
    2,
  )}\n`;
}

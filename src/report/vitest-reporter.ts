import type { Reporter, TestModule } from 'vitest/node';
import { runState } from '../run/provided.ts';
import { acceptedStates, today } from '../scan/accepted.ts';
import type { Verdict } from '../verdict/types.ts';
import { VERSION } from '../version.ts';
import { isRed, type TargetReport } from './types.ts';
import { writeReports } from './write.ts';

declare module 'vitest' {
  interface TaskMeta {
    verdict?: Verdict;
  }
}

/** Turns the verdicts carried in test meta into reports/index.html, junit.xml and results.json. */
export default class GauntletReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const state = runState();
    if (!state.target) return;
    const verdicts: Verdict[] = [];
    let bench: TargetReport['bench'];
    for (const mod of testModules) {
      for (const tc of mod.children.allTests()) {
        const v = tc.meta().verdict;
        if (v) verdicts.push(v);
        bench ??= tc.meta().bench;
      }
    }
    const report = {
      tool: { name: 'auth-gauntlet' as const, version: VERSION },
      startedAt: state.startedAt,
      finishedAt: new Date().toISOString(),
      targets: [
        {
          ...state.target,
          verdicts,
          ...(bench ? { bench } : {}),
          ...(verdicts.every((v) => v.status === 'pass') ? { logs: undefined } : {}),
          ...(state.accepted
            ? {
                acceptedFindings: {
                  file: state.accepted.file,
                  entries: acceptedStates(verdicts, state.accepted.entries, today()),
                },
              }
            : {}),
        },
      ],
    };
    const dir = writeReports(report);
    process.stdout.write(
      `\nauth-gauntlet: ${isRed(report) ? 'RED' : 'GREEN'} — reports in ${dir}/ (index.html, junit.xml, results.json)\n`,
    );
  }
}

import { parseArgs } from 'node:util';
import type { Attack } from '../catalog/types.ts';
import { type CliIo, readCommandLine, reportError, stdio, wholeNumberFlag } from '../cli-io.ts';
import { isRed } from '../report/types.ts';
import { REPORT_DIR, writeReports } from '../report/write.ts';
import { DEFAULT_TARGET_CONCURRENCY, scanFleet } from './fleet.ts';
import { renderSummary } from './summary.ts';
import { loadTargets } from './targets.ts';

const USAGE = `usage: npm run scan -- <manifest.ts> [more.ts ...] [--concurrency N] [--report-dir DIR]

Scans every target the manifests list (a module may export one target or defineTargets([...])) with the
whole catalog, sharing one harness issuer, and writes one report. Exit 1 when any target has an open
finding (one that is not accepted), an inconclusive verdict, or could not be tested.`;

/** `scripts/scan.ts`: returns the exit code (0 green, 1 red or bad input, 2 bad usage). */
export async function runScanCli(argv: string[], catalog: Attack[], io: CliIo = stdio): Promise<number> {
  const cli = readCommandLine(io, USAGE, () => {
    const args = parse(argv);
    const raw = args.values.concurrency;
    const concurrency =
      raw === undefined ? DEFAULT_TARGET_CONCURRENCY : wholeNumberFlag('concurrency', raw, 1, 64);
    const help = Boolean(args.values.help);
    if (!help && args.positionals.length === 0) throw new Error('no target manifest given');
    return { args, concurrency, help };
  });
  if (typeof cli === 'number') return cli;
  const { args, concurrency } = cli;
  const dir = args.values['report-dir'] ?? REPORT_DIR;
  try {
    const targets = await loadTargets(args.positionals);
    io.err(
      `auth-gauntlet scan: ${targets.length} target(s), ${catalog.length} attacks, ${concurrency} at once`,
    );
    const t0 = performance.now();
    const report = await scanFleet(targets, {
      catalog,
      concurrency,
      onTarget: (t, done, total) => {
        const fails = t.verdicts.filter((v) => v.status === 'fail' && !v.accepted).length;
        const state = t.error ? 'NOT TESTED' : fails ? `${fails} open finding(s)` : 'no open finding';
        io.err(`  [${done}/${total}] ${t.name}: ${state}`);
      },
    });
    writeReports(report, dir);
    io.out(renderSummary(report, dir, (performance.now() - t0) / 1000));
    return isRed(report) ? 1 : 0;
  } catch (err) {
    reportError(io, 'auth-gauntlet', err);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      concurrency: { type: 'string', short: 'c' },
      'report-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

import { parseArgs } from 'node:util';
import { type CliIo, readCommandLine, reportError, stdio, wholeNumberFlag } from '../cli-io.ts';
import { launchTarget } from '../launch/launch.ts';
import { DEFAULT_TARGET, loadManifest } from '../manifest/load.ts';
import { REPORT_DIR } from '../report/write.ts';
import { generatorThreads, placeCpus } from './cpus.ts';
import { DEFAULTS, LoadRefused, loadDecision, type Requested } from './guard.ts';
import { writeBenchReports } from './report.ts';
import { runBench } from './run.ts';
import { renderBenchSummary } from './summary.ts';
import type { BenchReport } from './types.ts';

const USAGE = `usage: npm run bench -- [manifest.ts] [--duration S] [--warmup S] [--connections N] [--runs N]
                       [--threads N] [--cpus split|shared] [--scenario ID ...] [--no-ceiling] [--report-dir DIR]

Verification throughput of the selected target (the manifest given, else GAUNTLET_TARGET, else
${DEFAULT_TARGET}): per channel a no-auth baseline, the accept path per signing alg and every reject path,
back to back after a warm-up. Defaults: 16 connections (manifest load.connections), 1 s warm-up + 1 × 3 s
per scenario, --cpus split: the harness's own containers run on one half of the CPUs and the load generator
(one thread per CPU of its half) on the other, so the generator takes no CPU time from the target. A url target gets no load unless its manifest says
load: { allowed: true, maxRps, maxSeconds }; the bench then never exceeds those bounds.
Writes reports/bench.json, and the bench into reports/results.json and reports/index.html.
Exit 0: measured, no finding; 1: a finding (a reject path not rejected under load, a denial-of-service
risk, errors) or nothing could be measured; 2: bad usage, or load refused.`;

const LIMITS = {
  duration: [1, 120],
  warmup: [0, 30],
  connections: [1, 1024],
  runs: [1, 9],
  threads: [1, 8],
} as const;

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      duration: { type: 'string', short: 'd' },
      warmup: { type: 'string', short: 'w' },
      connections: { type: 'string', short: 'c' },
      runs: { type: 'string', short: 'r' },
      threads: { type: 'string', short: 't' },
      scenario: { type: 'string', short: 's', multiple: true },
      'no-ceiling': { type: 'boolean' },
      cpus: { type: 'string' },
      'report-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

function requested(values: ReturnType<typeof parse>['values']): Requested {
  const out: Requested = {};
  const keys = {
    duration: 'durationSeconds',
    warmup: 'warmupSeconds',
    connections: 'connections',
    runs: 'runs',
    threads: 'threads',
  } as const;
  for (const [flag, key] of Object.entries(keys) as [keyof typeof keys, (typeof keys)[keyof typeof keys]][]) {
    const raw = values[flag];
    if (raw === undefined) continue;
    const [lo, hi] = LIMITS[flag];
    out[key] = wholeNumberFlag(flag, raw, lo, hi);
  }
  return out;
}

/** A finding or an inconclusive bench makes the run red. */
export function benchExitCode(b: BenchReport): number {
  return b.inconclusive || b.findings.length ? 1 : 0;
}

/** `scripts/bench.ts`: returns the exit code. */
export async function runBenchCli(argv: string[], io: CliIo = stdio): Promise<number> {
  const cli = readCommandLine(io, USAGE, () => {
    const args = parse(argv);
    const req = requested(args.values);
    if (args.positionals.length > 1) throw new Error('one target manifest at a time');
    if (args.values.cpus !== undefined && args.values.cpus !== 'split' && args.values.cpus !== 'shared')
      throw new Error(`--cpus must be split or shared, not '${args.values.cpus}'`);
    return { args, req, help: Boolean(args.values.help) };
  });
  if (typeof cli === 'number') return cli;
  const { args, req } = cli;
  const dir = args.values['report-dir'] ?? REPORT_DIR;
  try {
    const m = await loadManifest(args.positionals[0] ?? (process.env.GAUNTLET_TARGET || DEFAULT_TARGET));
    const decision = loadDecision(m);
    if (!decision.allowed) {
      // decided from the manifest alone: nothing was launched and no request was sent
      io.err(`auth-gauntlet bench: REFUSED — ${decision.reason}`);
      return 2;
    }
    io.err(`auth-gauntlet bench: launching '${m.name}'…`);
    const vuln = process.env.VULN ?? '';
    const running = await launchTarget(m, { vuln });
    let bench: BenchReport;
    const cpus = placeCpus(args.values.cpus === 'shared' ? 'shared' : 'split', m.launch.kind);
    try {
      bench = await runBench(running, {
        requested: { ...req, threads: req.threads ?? generatorThreads(cpus.placement, DEFAULTS.threads) },
        cpus: cpus.placement,
        decision,
        ceiling: !args.values['no-ceiling'],
        ...(args.values.scenario ? { only: args.values.scenario } : {}),
        log: (line) => io.err(`  ${line}`),
      });
    } finally {
      cpus.restore();
      await running.stop();
    }
    writeBenchReports(
      { name: m.name, file: m.file, launch: m.launch.kind, ...(vuln ? { vuln } : {}) },
      bench,
      dir,
    );
    io.out(renderBenchSummary(bench, dir));
    return benchExitCode(bench);
  } catch (err) {
    reportError(io, 'auth-gauntlet bench', err);
    return err instanceof LoadRefused ? 2 : 1;
  }
}

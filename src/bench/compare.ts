import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { TokenFactory } from '../../fixtures/forge/factory.ts';
import { generateKeySet } from '../../fixtures/issuer/keys.ts';
import { capabilitiesOf } from '../capabilities.ts';
import { type CliIo, readCommandLine, reportError, wholeNumberFlag } from '../cli-io.ts';
import { GauntletError } from '../errors.ts';
import { launchTarget, type RunningTarget } from '../launch/launch.ts';
import { DEFAULT_TARGET, loadManifest } from '../manifest/load.ts';
import { attackerKeySet } from '../run/context.ts';
import { type CpuBusy, generatorBound, withCpuBusy } from './cpu-busy.ts';
import { generatorThreads, placeCpus, type SplitCpus, splitLists } from './cpus.ts';
import { generate } from './generator.ts';
import { loadDecision } from './guard.ts';
import { httpScenarios, materialize } from './scenarios.ts';
import { median, medianBusy } from './stats.ts';
import { cpuPair } from './summary.ts';
import { ensureWrk, runWrk } from './wrk.ts';

const USAGE = `usage: npm run bench:wrk -- [manifest.ts] [--connections N] [--duration S] [--rounds N] [--threads N]
                           [--cpus split|shared] [--scenario ID ...] [--no-openssl]

Measures the bench's load generator (autocannon) against wrk on the same requests to the target (default
${DEFAULT_TARGET}): the bench scenarios baseline (no-auth health endpoint), accept (a valid token of the
policy's first alg) and malformed (a cheap reject path) unless --scenario says otherwise; same connections,
duration, threads and CPU placement as the bench, interleaved rounds (median); prints both req/s and their
ratio. Then OpenSSL's RSA-2048 verifies/s on one of the target's CPUs, beside the RS256 accept path. A benchmark, not a test:
it exits 0 whatever the ratio (1 on error, 2 on bad usage or a target that may not be loaded).`;

export interface Pair {
  endpoint: string;
  wrk: number[];
  autocannon: number[];
  /** how busy the target's and the generator's CPUs were in each round (split placement on Linux) */
  cpu?: { wrk: CpuBusy[]; autocannon: CpuBusy[] };
}

/** The ratio of the medians, autocannon / wrk. */
export function ratio(p: Pair): number {
  const w = median(p.wrk);
  return w > 0 ? median(p.autocannon) / w : 0;
}

/** OpenSSL's RSA-2048 verifies per second on one core (`openssl speed -seconds 3 -multi 1 rsa2048`). */
export function opensslVerifies(cpus?: string): { perSecond: number; command: string } | undefined {
  const args = ['speed', '-seconds', '3', '-multi', '1', 'rsa2048'];
  const [cmd, argv] = cpus ? ['taskset', ['-c', cpus, 'openssl', ...args]] : ['openssl', args];
  try {
    const out = execFileSync(cmd, argv as string[], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    const line = out.split('\n').find((l) => /^rsa\s+2048 bits/.test(l));
    const perSecond = Number(line?.trim().split(/\s+/).at(-1));
    return Number.isFinite(perSecond) && perSecond > 0
      ? { perSecond, command: `${cmd} ${(argv as string[]).join(' ')}` }
      : undefined;
  } catch {
    return undefined;
  }
}

const fmt = (v: number) => Math.round(v).toLocaleString('en-US');

export function renderComparison(pairs: Pair[], header: string): string {
  const w = Math.max(8, ...pairs.map((p) => p.endpoint.length));
  const lines = [
    header,
    '',
    `${'endpoint'.padEnd(w)}  ${'wrk req/s'.padStart(10)}  ${'autocannon req/s'.padStart(16)}  ratio`,
  ];
  for (const p of pairs) {
    const r = ratio(p);
    const cpu = p.cpu && { wrk: medianBusy(p.cpu.wrk), autocannon: medianBusy(p.cpu.autocannon) };
    const why =
      r >= 0.9
        ? '  (≥ 0.9)'
        : generatorBound(cpu?.autocannon)
          ? '  (< 0.9: autocannon saturated its CPUs while the target’s were not: the load generator is the limit)'
          : '  (< 0.9)';
    lines.push(
      `${p.endpoint.padEnd(w)}  ${fmt(median(p.wrk)).padStart(10)}  ${fmt(median(p.autocannon)).padStart(16)}  ${r.toFixed(2)}${why}`,
      `${''.padEnd(w)}  rounds: wrk ${p.wrk.map(fmt).join(' / ')}; autocannon ${p.autocannon.map(fmt).join(' / ')}`,
    );
    if (cpu?.wrk && cpu.autocannon)
      lines.push(
        `${''.padEnd(w)}  CPU busy, target/generator (median): wrk ${cpuPair(cpu.wrk)}; autocannon ${cpuPair(cpu.autocannon)}`,
      );
  }
  return lines.join('\n');
}

export interface CompareOptions {
  scenarios: string[];
  connections: number;
  seconds: number;
  rounds: number;
  threads: number;
  /** the target's and the generator's CPUs when split: each round records how busy both were */
  cpus?: SplitCpus;
  log: (line: string) => void;
}

/**
 * wrk and autocannon on the same requests (bench scenarios: same path, same fixed Authorization header, a fresh
 * token per run), same connections, duration and threads; interleaved rounds after one warm-up of each.
 */
export async function compareGenerators(running: RunningTarget, o: CompareOptions): Promise<Pair[]> {
  const m = running.manifest;
  const http = m.channels.http;
  if (!http) throw new GauntletError(`target '${m.name}' has no HTTP channel`);
  const tokens = new TokenFactory({
    policy: m.policy,
    trusted: running.keys ?? (await generateKeySet('untrusted')),
    attacker: await attackerKeySet(),
  });
  const plan = httpScenarios(m, tokens, capabilitiesOf(m));
  // `accept` names the accept path of the policy's first alg, the one the cost figures use
  const ids = o.scenarios.map((id) => (id === 'accept' ? `accept-${tokens.alg}` : id));
  const chosen = plan.run.filter((p) => ids.includes(p.id));
  if (chosen.length === 0)
    throw new GauntletError(
      `no scenario ${o.scenarios.join(', ')}; known: ${plan.run.map((p) => p.id).join(', ')}`,
    );
  const pairs: Pair[] = [];
  for (const p of chosen) {
    const url = new URL(p.path, http.baseUrl).toString();
    const headers = async (): Promise<Record<string, string>> => {
      const sc = await materialize(p);
      return sc.authorization ? { authorization: sc.authorization } : {};
    };
    const load = async (seconds: number) => {
      const job = {
        url,
        method: p.method,
        headers: await headers(),
        connections: o.connections,
        seconds,
        timeoutSeconds: 10,
      };
      const mes = await generate({ ...job, ...(running.httpCa ? { ca: running.httpCa } : {}) }, o.threads)
        .done;
      return mes.seconds > 0 ? mes.requests / mes.seconds : 0;
    };
    const wrk = async (seconds: number) =>
      (
        await runWrk({
          url,
          headers: await headers(),
          connections: o.connections,
          threads: o.threads,
          seconds,
        })
      ).rps;
    o.log(
      `${p.id}: warm-up, then ${o.rounds} interleaved round(s) of wrk and autocannon, ${o.seconds} s each`,
    );
    await load(1);
    await wrk(1);
    const cpu = { wrk: [] as CpuBusy[], autocannon: [] as CpuBusy[] };
    const pair: Pair = { endpoint: `${p.id} (${p.method} ${p.path})`, wrk: [], autocannon: [] };
    const round = async (which: 'wrk' | 'autocannon') => {
      const [rps, busy] = await withCpuBusy(o.cpus, () => (which === 'wrk' ? wrk : load)(o.seconds));
      pair[which].push(rps);
      if (busy) cpu[which].push(busy);
    };
    for (let i = 0; i < o.rounds; i++) {
      // ABBA order, so a drift of the machine's load over time touches both alike
      for (const which of i % 2 === 0 ? (['wrk', 'autocannon'] as const) : (['autocannon', 'wrk'] as const))
        await round(which);
    }
    if (cpu.wrk.length === o.rounds && cpu.autocannon.length === o.rounds) pair.cpu = cpu;
    pairs.push(pair);
  }
  return pairs;
}

/** `scripts/bench-vs-wrk.ts`: returns the exit code. */
export async function runCompareCli(argv: string[], io: CliIo): Promise<number> {
  const cli = readCommandLine(io, USAGE, () => {
    const args = parse(argv);
    const num = (v: string | undefined, d: number, lo: number, hi: number, name: string) =>
      v === undefined ? d : wholeNumberFlag(name, v, lo, hi);
    if (args.values.cpus !== undefined && args.values.cpus !== 'split' && args.values.cpus !== 'shared')
      throw new Error(`--cpus must be split or shared, not '${args.values.cpus}'`);
    const o: Omit<CompareOptions, 'threads' | 'log'> & { threads?: number } = {
      scenarios: args.values.scenario ?? ['baseline', 'accept', 'malformed'],
      connections: num(args.values.connections, 16, 1, 1024, 'connections'),
      seconds: num(args.values.duration, 3, 1, 60, 'duration'),
      rounds: num(args.values.rounds, 3, 1, 9, 'rounds'),
      ...(args.values.threads ? { threads: num(args.values.threads, 1, 1, 8, 'threads') } : {}),
    };
    return { args, o, help: Boolean(args.values.help) };
  });
  if (typeof cli === 'number') return cli;
  const { args, o } = cli;
  try {
    ensureWrk((l) => io.err(l));
    const m = await loadManifest(args.positionals[0] ?? (process.env.GAUNTLET_TARGET || DEFAULT_TARGET));
    const decision = loadDecision(m);
    if (!decision.allowed) {
      io.err(`bench-vs-wrk: REFUSED — ${decision.reason}`);
      return 2;
    }
    if (decision.maxRps) {
      io.err(
        `bench-vs-wrk: REFUSED — target '${m.name}' bounds its load (load.maxRps ${decision.maxRps}) and wrk cannot cap its rate`,
      );
      return 2;
    }
    io.err(`bench-vs-wrk: launching '${m.name}'…`);
    const running = await launchTarget(m);
    const cpus = placeCpus(args.values.cpus === 'shared' ? 'shared' : 'split', m.launch.kind);
    try {
      const threads = o.threads ?? generatorThreads(cpus.placement, 2);
      const split = splitLists(cpus.placement);
      const pairs = await compareGenerators(running, {
        ...o,
        ...(split ? { cpus: split } : {}),
        threads,
        log: (l) => io.err(`  ${l}`),
      });
      io.out(
        renderComparison(
          pairs,
          `bench vs wrk — target '${m.name}', ${o.connections} connections, ${o.seconds} s × ${o.rounds} round(s) ` +
            `each (median), ${threads} thread(s) for both (wrk -t${Math.min(threads, o.connections)}, autocannon ` +
            `${threads} generator thread(s)); ${cpus.placement.why}; load average ${loadavg()
              .map((l) => l.toFixed(2))
              .join(' ')}`,
        ),
      );
      if (!args.values['no-openssl']) {
        const ssl = opensslVerifies(cpus.placement.target);
        const accept = pairs.find((p) => p.endpoint.startsWith('accept-RS'));
        if (!ssl) io.out('\nopenssl: not available, no comparison with its RSA-2048 verify rate');
        else
          io.out(
            `\nopenssl: ${fmt(ssl.perSecond)} RSA-2048 verifies/s on one core (${ssl.command})` +
              (accept
                ? `; the RS256 accept path: ${fmt(median(accept.autocannon))} req/s (autocannon), ` +
                  `${fmt(median(accept.wrk))} req/s (wrk) = ${((median(accept.wrk) / ssl.perSecond) * 100).toFixed(1)} % of it` +
                  `${cpus.placement.mode === 'split' ? `, the target on CPU ${cpus.placement.target} only` : ''}`
                : ''),
          );
      }
      return 0;
    } finally {
      cpus.restore();
      await running.stop();
    }
  } catch (err) {
    reportError(io, 'bench-vs-wrk', err);
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      connections: { type: 'string', short: 'c' },
      duration: { type: 'string', short: 'd' },
      rounds: { type: 'string', short: 'r' },
      threads: { type: 'string', short: 't' },
      cpus: { type: 'string' },
      scenario: { type: 'string', short: 's', multiple: true },
      'no-openssl': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

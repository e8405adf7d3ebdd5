import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { analyzeChannel, dosRisk } from '../src/bench/analyze.ts';
import { runBenchCli } from '../src/bench/cli.ts';
import { renderComparison } from '../src/bench/compare.ts';
import { confirmDosRisks } from '../src/bench/confirm.ts';
import { busyShare, cpuBusyMeter, generatorBound, parseProcStat } from '../src/bench/cpu-busy.ts';
import { cpuCount, cpuIds, splitCpus } from '../src/bench/cpus.ts';
import { combine, shares } from '../src/bench/generator.ts';
import { assertLoopback, fitSettings, loadDecision } from '../src/bench/guard.ts';
import { withBench } from '../src/bench/report.ts';
import { EXPECTED } from '../src/bench/scenarios.ts';
import {
  countUnexpected,
  median,
  merge,
  newHistogram,
  percentile,
  record,
  summarizeRuns,
} from '../src/bench/stats.ts';
import { renderBenchSummary } from '../src/bench/summary.ts';
import type { BenchReport, Measurement, RunFigures, ScenarioResult } from '../src/bench/types.ts';
import { parseWrk } from '../src/bench/wrk.ts';
import { capabilitiesOf } from '../src/capabilities.ts';
import type { CliIo } from '../src/cli-io.ts';
import { GauntletError } from '../src/errors.ts';
import { parseManifest } from '../src/manifest/load.ts';
import { renderHtml } from '../src/report/html.ts';
import { type Deployment, startDeployment } from './support/reference-binary.ts';

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-bench-'));
const XSS = '<script>alert(1)</script>';

const within = (value: number, expected: number, rel = 0.011) =>
  expect(Math.abs(value - expected) / expected, `${value} vs ${expected}`).toBeLessThanOrEqual(rel);

describe('statistics', () => {
  test('percentiles of a histogram are within 1 % and never above the max; max is exact', () => {
    const h = newHistogram();
    for (let ms = 1; ms <= 1000; ms++) record(h, ms);
    within(percentile(h, 50), 500);
    within(percentile(h, 90), 900);
    within(percentile(h, 99), 990);
    expect(percentile(h, 100)).toBe(1000);
    expect(h.maxMs).toBe(1000);
    expect(h.count).toBe(1000);
  });

  test('sub-millisecond latencies keep their resolution (autocannon rounds to whole ms)', () => {
    const h = newHistogram();
    for (let i = 0; i < 99; i++) record(h, 0.25);
    record(h, 5);
    within(percentile(h, 50), 0.25);
    within(percentile(h, 99), 0.25);
    expect(percentile(h, 99.5)).toBe(5);
    expect(percentile(newHistogram(), 50)).toBe(0);
  });

  test('histograms of generator threads merge into the histogram of all samples', () => {
    const a = newHistogram();
    const b = newHistogram();
    const all = newHistogram();
    for (let i = 1; i <= 200; i++) {
      record(i % 2 ? a : b, i / 10);
      record(all, i / 10);
    }
    const m = merge(merge(newHistogram(), a), b);
    expect(m.counts).toEqual(all.counts);
    expect(m.maxMs).toBe(20);
    expect(percentile(m, 50)).toBe(percentile(all, 50));
  });

  test('median of runs: odd and even counts; a run summary takes medians, the largest max, and sums', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBe(0);
    const run = (rps: number, p50: number, max: number, statuses: Record<string, number>): RunFigures => ({
      rps,
      requests: rps,
      seconds: 1,
      latencyMs: { p50, p90: p50 * 2, p99: p50 * 3, max },
      statuses,
      errors: 1,
      timeouts: 0,
    });
    const s = summarizeRuns([
      run(100, 1, 9, { 401: 100 }),
      run(300, 3, 5, { 401: 299, 500: 1 }),
      run(200, 2, 7, { 401: 200 }),
    ]);
    expect(s.rps).toBe(200);
    expect(s.latencyMs).toEqual({ p50: 2, p90: 4, p99: 6, max: 9 });
    expect(s.requests).toBe(600);
    expect(s.statuses).toEqual({ 401: 599, 500: 1 });
    expect(s.errors).toBe(3);
    expect(s.cpuBusy).toBeUndefined();
    const cpu = (target: number, generator: number) => ({ cpuBusy: { target, generator } });
    const busy = summarizeRuns([
      { ...run(1, 1, 1, {}), ...cpu(0.5, 0.9) },
      { ...run(1, 1, 1, {}), ...cpu(0.7, 1) },
      { ...run(1, 1, 1, {}), ...cpu(0.6, 0.2) },
    ]);
    expect(busy.cpuBusy).toEqual({ target: 0.6, generator: 0.9 });
    // a run without CPU figures: no median of the others
    expect(
      summarizeRuns([{ ...run(1, 1, 1, {}), ...cpu(0.5, 0.9) }, run(1, 1, 1, {})]).cpuBusy,
    ).toBeUndefined();
    expect(countUnexpected(s.statuses, EXPECTED.reject.ok)).toBe(1);
    expect(countUnexpected({ 200: 5, 204: 1, 401: 2 }, EXPECTED.accept.ok)).toBe(2);
  });

  test('generator threads: connections and rate caps are shared out whole; rates add up', () => {
    expect(shares(16, 3)).toEqual([6, 5, 5]);
    expect(shares(2, 2)).toEqual([1, 1]);
    expect(shares(100, 3).reduce((a, b) => a + b, 0)).toBe(100);
    const part = (requests: number, seconds: number): Measurement => ({
      requests,
      seconds,
      statuses: { 200: requests },
      errors: 0,
      timeouts: 0,
      latency: newHistogram(),
    });
    const c = combine([part(3000, 3), part(2000, 2)]);
    expect(c.requests).toBe(5000);
    expect(c.requests / c.seconds).toBeCloseTo(2000);
    expect(c.statuses).toEqual({ 200: 5000 });
  });

  test('CPU lists: the target gets the larger half', () => {
    expect(splitCpus(1)).toBeUndefined();
    expect(splitCpus(2)).toEqual({ target: '0', generator: '1' });
    expect(splitCpus(8)).toEqual({ target: '0-3', generator: '4-7' });
    expect(splitCpus(3)).toEqual({ target: '0-1', generator: '2' });
    expect(cpuCount('4-7')).toBe(4);
    expect(cpuCount('0,2-3')).toBe(3);
    expect(cpuIds('0,2-3')).toEqual([0, 2, 3]);
  });

  test('CPU busy: per CPU from /proc/stat, steal counts as busy; generator-bound only when its CPUs saturate and the target’s do not', () => {
    //                 user nice system idle iowait irq softirq steal guest guest_nice
    const before = parseProcStat(
      'cpu  9 9 9 9 9 9 9 9 0 0\ncpu0 100 0 50 1000 10 0 0 0 0 0\ncpu1 200 0 100 500 0 0 0 0 0 0\n',
    );
    const after = parseProcStat('cpu0 160 0 70 1100 20 0 0 10 0 0\ncpu1 290 0 110 500 0 0 0 0 0 0\nintr 5\n');
    expect(before.size).toBe(2); // the all-CPUs line is not a CPU
    // cpu0: busy 60 + 20 + 10 (steal) = 90 of 90 + 100 (idle) + 10 (iowait) = 200
    expect(busyShare([0], before, after)).toBeCloseTo(0.45);
    expect(busyShare([1], before, after)).toBeCloseTo(1);
    expect(busyShare([0, 1], before, after)).toBeCloseTo(190 / 300);
    expect(busyShare([2], before, after)).toBeUndefined();
    expect(busyShare([1], before, before)).toBeUndefined();
    // the measured case: autocannon on one CPU at the reference's health endpoint, and wrk in its place
    expect(generatorBound({ target: 0.8, generator: 0.99 })).toBe(true);
    expect(generatorBound({ target: 0.97, generator: 0.72 })).toBe(false);
    expect(generatorBound({ target: 0.95, generator: 0.99 })).toBe(false);
    expect(generatorBound(undefined)).toBe(false);
    // and from this machine's /proc/stat: this thread keeps CPU time busy, the share lies in [0, 1]
    const meter = cpuBusyMeter({ target: '0', generator: '0' });
    const until = performance.now() + 50;
    while (performance.now() < until);
    const busy = meter();
    if (process.platform === 'linux') {
      expect(busy?.target).toBeGreaterThan(0);
      expect(busy?.generator).toBeLessThanOrEqual(1);
    } else expect(busy).toBeUndefined();
  });

  test('wrk output is read, latencies in ms', () => {
    const r = parseWrk(`Running 1s test @ https://127.0.0.1:18443/api/whoami
  1 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     0.91ms    1.93ms  20.03ms   91.58%
    Req/Sec    10.36k   757.43    11.16k    72.73%
  Latency Distribution
     50%  322.00us
     75%  513.00us
     90%    2.30ms
     99%   10.33ms
  11323 requests in 1.10s, 2.12MB read
  Non-2xx or 3xx responses: 7
Requests/sec:  10291.91
Transfer/sec:      1.92MB
`);
    expect(r.rps).toBe(10291.91);
    expect(r.requests).toBe(11323);
    expect(r.latencyMs).toEqual({ p50: 0.322, p90: 2.3, p99: 10.33, max: 20.03 });
    expect(r.non2xx).toBe(7);
  });

  test('bench vs wrk: ratio of the medians, each round, and why a ratio under 0.9 is the generator’s', () => {
    const busy = (target: number, generator: number) => ({ target, generator });
    const text = renderComparison(
      [
        {
          endpoint: 'baseline (GET /healthz)',
          wrk: [24_000, 22_000, 26_000],
          autocannon: [16_000, 15_000, 17_000],
          cpu: {
            wrk: [busy(0.97, 0.72), busy(0.96, 0.7), busy(0.98, 0.75)],
            autocannon: [busy(0.8, 0.99), busy(0.78, 0.99), busy(0.82, 1)],
          },
        },
        { endpoint: 'accept-RS256 (GET /api/orders)', wrk: [4000, 4200], autocannon: [4100, 4000] },
        { endpoint: 'malformed (GET /api/orders)', wrk: [10_000], autocannon: [8000] },
      ],
      'header',
    );
    const lines = text.split('\n');
    const baseline = lines.findIndex((l) => l.startsWith('baseline'));
    expect(lines[baseline]).toMatch(/24,000\s+16,000\s+0\.67 {2}\(< 0\.9: autocannon saturated its CPUs/);
    expect(lines[baseline + 1]).toContain(
      'rounds: wrk 24,000 / 22,000 / 26,000; autocannon 16,000 / 15,000 / 17,000',
    );
    expect(lines[baseline + 2]).toContain(
      'CPU busy, target/generator (median): wrk 97/72 %; autocannon 80/99 %',
    );
    expect(text).toMatch(/accept-RS256 \(GET \/api\/orders\)\s+4,100\s+4,050\s+0\.99 {2}\(≥ 0\.9\)/);
    // under 0.9 without CPU figures: no claim about why
    expect(text).toMatch(/malformed \(GET \/api\/orders\)\s+10,000\s+8,000\s+0\.80 {2}\(< 0\.9\)$/m);
  });
});

function result(
  id: string,
  kind: ScenarioResult['kind'],
  rps: number,
  p50: number,
  statuses: Record<string, number>,
): ScenarioResult {
  const requests = Object.values(statuses).reduce((a, b) => a + b, 0);
  return {
    id,
    title: id,
    kind,
    channel: 'http',
    method: 'GET',
    path: '/api',
    expected: EXPECTED[kind].label,
    runs: [],
    rps,
    latencyMs: { p50, p90: p50 * 2, p99: p50 * 4, max: p50 * 10 },
    requests,
    statuses,
    errors: 0,
    timeouts: 0,
    unexpected: countUnexpected(statuses, EXPECTED[kind].ok),
  };
}

describe('verification cost and findings', () => {
  const ok = (k: ScenarioResult['kind']) => EXPECTED[k].ok;

  test('accept path as a fraction of the baseline; cheapest and dearest reject; nothing flagged', () => {
    const { cost, findings } = analyzeChannel(
      'http',
      [
        result('baseline', 'baseline', 20_000, 0.5, { 200: 60_000 }),
        result('accept-RS256', 'accept', 5_000, 2, { 200: 15_000 }),
        result('alg-none', 'reject', 15_000, 0.8, { 401: 45_000 }),
        result('expired', 'reject', 4_000, 2.4, { 401: 12_000 }),
      ],
      ok,
    );
    expect(cost.acceptVsBaseline).toBe(0.25);
    expect(cost.cheapestReject).toEqual({ id: 'alg-none', rps: 15_000 });
    expect(cost.dearestReject).toEqual({ id: 'expired', rps: 4_000 });
    expect(cost.dosRisk).toEqual([]);
    expect(findings).toEqual([]);
  });

  test('DoS flag: a reject path with p50 over 3× the accept path, or under 1/3 of its throughput', () => {
    const accept = result('accept-RS256', 'accept', 6_000, 2, { 200: 1 });
    expect(dosRisk(result('unknown-kid', 'reject', 5_000, 6.1, { 401: 1 }), accept)).toMatch(
      /p50 6\.10 ms is 3\.0× the accept path's 2\.00 ms/,
    );
    expect(dosRisk(result('unknown-kid', 'reject', 1_999, 2, { 401: 1 }), accept)).toMatch(
      /under 1\/3 of the accept path/,
    );
    expect(dosRisk(result('unknown-kid', 'reject', 2_001, 5.9, { 401: 1 }), accept)).toBeUndefined();
    const { cost, findings } = analyzeChannel(
      'http',
      [accept, result('unknown-kid', 'reject', 150, 80, { 401: 450 })],
      ok,
    );
    expect(cost.dosRisk).toEqual(['unknown-kid']);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ kind: 'dos-risk', scenario: 'unknown-kid', severity: 'medium' });
  });

  test('a DoS flag stands only when a back-to-back re-measurement confirms it', async () => {
    const accept = result('accept-RS256', 'accept', 6_000, 2, { 200: 18_000 });
    const kid = result('unknown-kid', 'reject', 1_000, 12, { 401: 3_000 });
    const planned = [accept, kid].map((r) => ({
      id: r.id,
      title: r.id,
      kind: r.kind,
      channel: 'http' as const,
      method: 'GET',
      path: '/api',
    }));
    const fig = (rps: number, p50: number): RunFigures => ({
      rps,
      requests: rps,
      seconds: 1,
      latencyMs: { p50, p90: p50, p99: p50, max: p50 },
      statuses: {},
      errors: 0,
      timeouts: 0,
    });
    const run = async (kidAgain: RunFigures) => {
      const { cost, findings } = analyzeChannel('http', [accept, kid], ok);
      const measured: string[] = [];
      const out = await confirmDosRisks(
        [accept, kid],
        cost,
        findings,
        planned,
        async (p) => {
          measured.push(p.id);
          return [p.id === 'unknown-kid' ? kidAgain : fig(6_000, 2)];
        },
        () => {},
      );
      return { cost, measured, ...out };
    };
    const noise = await run(fig(5_800, 2.1));
    expect(noise.measured).toEqual(['accept-RS256', 'unknown-kid', 'accept-RS256', 'unknown-kid']);
    expect(noise.findings).toEqual([]);
    expect(noise.cost.dosRisk).toEqual([]);
    expect(noise.notes[0]).toMatch(/unknown-kid: looked like a DoS risk .* not a finding/);
    const real = await run(fig(900, 14));
    expect(real.cost.dosRisk).toEqual(['unknown-kid']);
    expect(real.findings).toHaveLength(1);
    expect(real.findings[0]!.message).toMatch(/confirmed back to back with the accept path: 900 req\/s/);
  });

  test('a reject path that is not all rejections is a finding: high when attack tokens were served', () => {
    const { findings } = analyzeChannel(
      'http',
      [
        result('accept-RS256', 'accept', 5_000, 2, { 200: 15_000, 503: 3 }),
        result('alg-none', 'reject', 5_000, 2, { 401: 100, 200: 4 }),
        result('malformed', 'reject', 5_000, 2, { 401: 100, 500: 2 }),
      ],
      ok,
    );
    const by = (id: string) => findings.find((f) => f.scenario === id)!;
    expect(by('alg-none')).toMatchObject({ kind: 'unexpected-status', severity: 'high' });
    expect(by('alg-none').message).toContain('4 attack token request(s) were served (2xx) under load');
    expect(by('malformed')).toMatchObject({ kind: 'unexpected-status', severity: 'medium' });
    expect(by('malformed').message).toContain('500 ×2');
    expect(by('accept-RS256').message).toContain('not 2xx under load');
  });
});

const urlManifest = (load?: Record<string, unknown>) => ({
  name: 'staging',
  launch: { kind: 'url' },
  policy: { issuer: 'https://issuer.test', audience: 'api', algorithms: ['RS256'] },
  channels: { http: { baseUrl: 'https://127.0.0.1:9', health: '/healthz', endpoints: [{ path: '/api' }] } },
  ...(load ? { load } : {}),
});
const containersManifest = (load?: Record<string, unknown>) => ({
  ...urlManifest(load),
  launch: { kind: 'containers', services: { rs: { image: 'x' } } },
  channels: { http: { baseUrl: 'https://127.0.0.1:{{port.rs}}', endpoints: [{ path: '/api' }] } },
});

describe('load guard', () => {
  test('a url target is refused without an opt-in; a containers target is the project’s own', () => {
    const url = parseManifest(urlManifest(), 'u.ts');
    const d = loadDecision(url);
    expect(d.allowed).toBe(false);
    expect(!d.allowed && d.reason).toMatch(
      /running deployment .*load: \{ allowed: true, maxRps, maxSeconds \}/,
    );
    expect(capabilitiesOf(url).has('load')).toBe(false);
    expect(loadDecision(parseManifest(urlManifest({ allowed: false }), 'u.ts')).allowed).toBe(false);
    const opted = parseManifest(urlManifest({ allowed: true, maxRps: 50, maxSeconds: 20 }), 'u.ts');
    expect(loadDecision(opted)).toEqual({ allowed: true, maxRps: 50, maxSeconds: 20 });
    expect(capabilitiesOf(opted).has('load')).toBe(true);
    const own = parseManifest(containersManifest(), 'c.ts');
    expect(loadDecision(own)).toEqual({ allowed: true });
    expect(capabilitiesOf(own).has('load')).toBe(true);
    expect(loadDecision(parseManifest(containersManifest({ allowed: false }), 'c.ts')).allowed).toBe(false);
  });

  test('a url target that allows load must bound it', () => {
    expect(() => parseManifest(urlManifest({ allowed: true, maxRps: 50 }), 'u.ts')).toThrow(
      /load\.maxSeconds: a url target that allows load must bound it/,
    );
    expect(() => parseManifest(urlManifest({ allowed: true, maxSeconds: 5 }), 'u.ts')).toThrow(
      /load\.maxRps/,
    );
  });

  test('settings fit the bounds: connections ≤ maxRps, the plan within maxSeconds, or a refusal', () => {
    const fit = fitSettings({}, { allowed: true, maxRps: 8, maxSeconds: 30 }, 9);
    expect(fit.settings).toMatchObject({
      connections: 8,
      warmupSeconds: 1,
      durationSeconds: 2,
      runs: 1,
      maxRps: 8,
    });
    expect(9 * (fit.settings.warmupSeconds + fit.settings.durationSeconds)).toBeLessThanOrEqual(30);
    expect(fit.notes.join(' ')).toMatch(/connections lowered from 16 to 8.*|plan shortened/);
    expect(fitSettings({ runs: 3 }, { allowed: true }, 9).settings).toMatchObject({
      durationSeconds: 3,
      runs: 3,
    });
    expect(() => fitSettings({}, { allowed: true, maxRps: 10, maxSeconds: 9 }, 9)).toThrow(GauntletError);
    const tight = fitSettings({ runs: 1 }, { allowed: true, maxSeconds: 10 }, 9).settings;
    expect(tight).toMatchObject({ durationSeconds: 1, warmupSeconds: 0 });
  });

  test('a containers target without an opt-in is load-tested on the loopback interface only', () => {
    const own = parseManifest(containersManifest(), 'c.ts');
    expect(() => assertLoopback(own, 'https://127.0.0.1:8443')).not.toThrow();
    expect(() => assertLoopback(own, 'https://10.1.2.3:8443')).toThrow(/only on 127\.0\.0\.1/);
  });
});

/** A stand-in for a running deployment: counts every request it gets. */
async function countingServer(): Promise<{ server: Server; url: string; hits: number[] }> {
  const hits: number[] = [];
  const server = createServer((req, res) => {
    hits.push(performance.now());
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    req.resume();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, hits };
}

function manifestFile(name: string, body: string): string {
  const file = join(dir, `${name}.ts`);
  writeFileSync(
    file,
    `import { defineTarget } from '${resolve('src/manifest/define.ts')}';\nexport default defineTarget(${body});\n`,
  );
  return file;
}

function capture(): CliIo & { text: () => string } {
  const lines: string[] = [];
  return { out: (t) => void lines.push(t), err: (t) => void lines.push(t), text: () => lines.join('\n') };
}

describe('npm run bench against a url target', () => {
  test('without load.allowed: a clear refusal, exit 2, and not one request sent', async () => {
    const stand = await countingServer();
    try {
      const file = manifestFile(
        'no-optin',
        JSON.stringify({
          ...urlManifest(),
          channels: { http: { baseUrl: stand.url, health: '/healthz', endpoints: [{ path: '/api' }] } },
        }),
      );
      const io = capture();
      const code = await runBenchCli([file, '--report-dir', join(dir, 'r-refused')], io);
      expect(code).toBe(2);
      expect(io.text()).toContain("auth-gauntlet bench: REFUSED — target 'staging' is a running deployment");
      expect(stand.hits).toHaveLength(0);
    } finally {
      stand.server.close();
    }
  });

  test('with load allowed, the bench stays within maxRps and maxSeconds', async () => {
    const stand = await countingServer();
    try {
      const file = manifestFile(
        'bounded',
        JSON.stringify({
          ...urlManifest({ allowed: true, maxRps: 40, maxSeconds: 3 }),
          channels: { http: { baseUrl: stand.url, health: '/healthz', endpoints: [{ path: '/api' }] } },
        }),
      );
      const io = capture();
      const code = await runBenchCli([file, '--no-ceiling', '--report-dir', join(dir, 'r-bounded')], io);
      // no trust in the harness issuer: no accept path, so the bench is inconclusive (never a pass)
      expect(code, io.text()).toBe(1);
      expect(io.text()).toMatch(/INCONCLUSIVE: no accept path was measured/);
      const bench = JSON.parse(readFileSync(join(dir, 'r-bounded', 'bench.json'), 'utf8')) as BenchReport;
      expect(bench.settings).toMatchObject({ maxRps: 40, maxSeconds: 3, connections: 16 });
      const load = stand.hits.slice(2); // the launch's health check and the pre-flight request come first
      if (process.env.DEBUG_BENCH)
        console.log(stand.hits.map((h) => Math.round(h - stand.hits[0]!)).join(' '));
      expect(load.length).toBeGreaterThan(20);
      const seconds = (load.at(-1)! - load[0]!) / 1000;
      expect(seconds).toBeLessThanOrEqual(3);
      // at most maxRps in any one-second window of the run
      for (const t of load) expect(load.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(40);
    } finally {
      stand.server.close();
    }
  });
});

describe('bench against the reference resource server (binary, started here)', () => {
  const ISS = 'https://issuer.bench.test';
  let deployment: Deployment | undefined;
  let rsUrl: string;

  beforeAll(async () => {
    deployment = await startDeployment(dir, ISS, 'bench');
    rsUrl = deployment.rs.url;
  });

  afterAll(() => deployment?.stop());

  // capped at 2000 req/s: this proves the pipeline, not the throughput, and leaves CPU to the other test files
  test('1 s scenarios: figures for every scenario, reject paths see only 401, reports written', async () => {
    const file = manifestFile(
      'reference-bin',
      `{
  name: 'reference-bin',
  launch: { kind: 'url' },
  trust: { issuer: 'harness', keysFile: '${join(dir, 'keys.json')}' },
  policy: { issuer: '${ISS}', audience: 'orders-api', algorithms: ['RS256', 'ES256', 'EdDSA'], typ: 'at+jwt' },
  channels: { http: { baseUrl: '${rsUrl}', ca: '${join(dir, 'ca.crt')}', health: '/healthz', endpoints: [{ path: '/api/whoami' }] } },
  load: { allowed: true, maxRps: 2000, maxSeconds: 40, connections: 8 },
}`,
    );
    const reportDir = join(dir, 'r-reference');
    const io = capture();
    const code = await runBenchCli([file, '--duration', '1', '--warmup', '1', '--report-dir', reportDir], io);
    expect(code, io.text()).toBe(0);
    const bench = JSON.parse(readFileSync(join(reportDir, 'bench.json'), 'utf8')) as BenchReport;
    expect(bench.inconclusive).toBeUndefined();
    expect(bench.findings).toEqual([]);
    expect(bench.ceiling.rps).toBeGreaterThan(0);
    const scenarios = bench.channels[0]!.scenarios;
    expect(scenarios.filter((s) => !s.skipped).map((s) => s.id)).toEqual([
      'baseline',
      'accept-RS256',
      'accept-ES256',
      'accept-EdDSA',
      'bad-signature',
      'alg-none',
      'expired',
      'unknown-kid',
      'malformed',
    ]);
    expect(scenarios.find((s) => s.id === 'revoked')!.skipped).toMatch(/needs obtain, revoke/);
    for (const s of scenarios.filter((x) => !x.skipped)) {
      expect(s.rps, s.id).toBeGreaterThan(50);
      expect(s.rps, s.id).toBeLessThanOrEqual(2000);
      expect(s.latencyMs.p50, s.id).toBeGreaterThan(0);
      expect(s.latencyMs.p99, s.id).toBeGreaterThanOrEqual(s.latencyMs.p50);
      expect(Object.keys(s.statuses), s.id).toEqual([s.kind === 'reject' ? '401' : '200']);
      expect(s.unexpected, s.id).toBe(0);
      expect(s.errors, s.id).toBe(0);
    }
    const cost = bench.channels[0]!.cost;
    expect(cost.acceptVsBaseline).toBeGreaterThan(0);
    expect(cost.accept).toBe('accept-RS256');
    expect(io.text()).toMatch(/accept-RS256 +accept +[\d,]+ +[\d.]+/);
    // no live token reaches a report: signatures are never written
    const raw = readFileSync(join(reportDir, 'bench.json'), 'utf8');
    expect(raw).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]{20,}/);
    expect(raw).not.toMatch(/Bearer /);
    const html = readFileSync(join(reportDir, 'index.html'), 'utf8');
    expect(html).toContain('<svg class="chart"');
    expect(html).toContain('Verification throughput benchmark');
    const results = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as {
      targets: { bench?: BenchReport }[];
    };
    expect(results.targets[0]!.bench?.channels[0]?.scenarios.length).toBe(scenarios.length);
  });
});

describe('report', () => {
  const bench = (): BenchReport => ({
    target: XSS,
    startedAt: '2026-11-23T10:00:00.000Z',
    finishedAt: '2026-11-23T10:00:40.000Z',
    host: { cpus: 2, cpuModel: XSS, node: 'v24', loadAverage: [0.1, 0.2, 0.3] },
    settings: { connections: 16, durationSeconds: 3, warmupSeconds: 1, runs: 1, threads: 1 },
    cpus: { mode: 'split', target: '0', generator: '1', why: XSS },
    ceiling: { rps: 25_000, server: XSS },
    channels: [
      {
        channel: 'http',
        target: 'https://127.0.0.1:8443',
        scenarios: [
          result('baseline', 'baseline', 20_000, 0.5, { 200: 60_000 }),
          result('accept-RS256', 'accept', 5_000, 2, { 200: 15_000 }),
          { ...result(XSS, 'reject', 100, 80, { 401: 300 }), title: XSS },
        ],
        cost: { acceptVsBaseline: 0.25, dosRisk: [XSS] },
      },
    ],
    findings: [{ channel: 'http', scenario: XSS, kind: 'dos-risk', severity: 'medium', message: XSS }],
    notes: [XSS],
  });

  test('the bench section: inline SVG charts, every text escaped, no external asset', () => {
    const report = withBench(
      undefined,
      { name: 'reference', file: 'targets/reference.ts', launch: 'containers' },
      bench(),
    );
    const html = renderHtml(report);
    expect(html).not.toContain(XSS);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/<svg class="chart"/g)).toHaveLength(2);
    expect(html).toContain('Benchmark only');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  test('CPU figures: each scenario’s, the generator-bound flag and which side limited the ceiling, in the summary and the HTML', () => {
    const b = bench();
    b.ceiling = {
      rps: 16_000,
      server: 'canned 200',
      cpuBusy: { target: 0.99, generator: 0.85 },
      serverBound: true,
    };
    const [baseline, accept] = b.channels[0]!.scenarios;
    Object.assign(baseline!, { cpuBusy: { target: 0.9, generator: 0.99 }, generatorBound: true });
    Object.assign(accept!, { cpuBusy: { target: 0.99, generator: 0.44 } });
    const text = renderBenchSummary(b, 'reports');
    expect(text).toContain(
      'load generator ceiling: 16,000 req/s (canned 200, same settings; CPU server/generator 99/85 %: the trivial server was the limit, so the generator’s own ceiling is higher)',
    );
    expect(text).toMatch(
      /^baseline .* 90\/99 % {2}200×60000 \(generator-bound: its CPUs saturated, the target’s not\)$/m,
    );
    expect(text).toMatch(/^accept-RS256 .* 99\/44 % {2}200×15000$/m);
    expect(text).toContain("CPU t/g: how busy the target's CPUs (0) and the generator's (1) were");
    const html = renderHtml(
      withBench(undefined, { name: 'reference', file: 'targets/reference.ts', launch: 'containers' }, b),
    );
    expect(html).toContain('the trivial server was the limit');
    expect(html).toMatch(
      /data-scenario="baseline">.*⚠ generator-bound.*<td class="num">90\/99 %<\/td><\/tr>/,
    );
  });

  test('a bench joins the earlier results of the same target and keeps its verdicts', () => {
    const earlier = {
      tool: { name: 'auth-gauntlet' as const, version: '0' },
      startedAt: 'a',
      finishedAt: 'b',
      targets: [
        { name: 'reference', file: 'targets/reference.ts', launch: 'containers' as const, verdicts: [] },
      ],
    };
    const merged = withBench(
      earlier,
      { name: 'reference', file: 'targets/reference.ts', launch: 'containers' },
      bench(),
    );
    expect(merged.startedAt).toBe('a');
    expect(merged.targets).toHaveLength(1);
    expect(merged.targets[0]!.bench?.target).toBe(XSS);
    const other = withBench(earlier, { name: 'other', file: 'o.ts', launch: 'url' }, bench());
    expect(other.targets.map((t) => t.name)).toEqual(['other']);
    // an attack run with VULN switches is another run: the bench does not join it
    const vuln = withBench(
      { ...earlier, targets: [{ ...earlier.targets[0]!, vuln: 'alg_none' }] },
      { name: 'reference', file: 'targets/reference.ts', launch: 'containers' },
      bench(),
    );
    expect(vuln.targets[0]!.vuln).toBeUndefined();
    expect(vuln.targets[0]!.verdicts).toEqual([]);
  });
});

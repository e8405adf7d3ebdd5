import { cpus, loadavg } from 'node:os';
import { TokenFactory } from '../../fixtures/forge/factory.ts';
import { generateKeySet, type KeySet } from '../../fixtures/issuer/keys.ts';
import { capabilitiesOf } from '../capabilities.ts';
import { describeError, GauntletError } from '../errors.ts';
import type { Manifest } from '../manifest/schema.ts';
import { type OAuthClient, oauthClientFor } from '../oauth/client.ts';
import { HttpProbe } from '../probe/http.ts';
import { Limiter } from '../probe/limiter.ts';
import { attackerKeySet } from '../run/context.ts';
import { VERSION } from '../version.ts';
import { analyzeChannel } from './analyze.ts';
import { measureCeiling } from './ceiling.ts';
import { confirmDosRisks } from './confirm.ts';
import { generatorBound } from './cpu-busy.ts';
import { type CpuPlacement, type SplitCpus, splitLists } from './cpus.ts';
import { assertLoopback, fitSettings, type LoadDecision, type Requested } from './guard.ts';
import { LoadClock, loadScenario, type MeasureContext, sleep } from './measure.ts';
import { type PreflightResult, preflight } from './preflight.ts';
import { EXPECTED, httpScenarios, materialize, type PlannedScenario } from './scenarios.ts';
import { countUnexpected, summarizeRuns } from './stats.ts';
import { cpuPair } from './summary.ts';
import type { BenchReport, BenchSettings, GeneratorCeiling, ScenarioResult } from './types.ts';

/** A token obtained from the target's AS and revoked there (RFC 7009): the revocation lookup's reject path. */
async function revokedToken(oauth: OAuthClient): Promise<string> {
  const got = await oauth.obtain('bench: token to revoke');
  if (!got.token) throw new GauntletError(`the authorization server issued no token: ${got.exchange.why}`);
  const r = await oauth.revoke(got.token, 'bench: revocation');
  if (r.status !== 200)
    throw new GauntletError(`the authorization server did not revoke the token: ${r.exchange.why}`);
  return got.token;
}

/** A launched target, as `launchTarget` gives it. */
export interface BenchTarget {
  manifest: Manifest;
  keys?: KeySet;
  httpCa?: string;
  /** PEM CA of the authorization server (the revoked scenario obtains and revokes a token there) */
  asCa?: string;
}

export interface BenchOptions {
  /** what the user asked for (flags); fitted into the manifest's bounds */
  requested: Requested;
  /** the load decision for this target (`loadDecision`): only an allowed one gets here */
  decision: Extract<LoadDecision, { allowed: true }>;
  /** measure the load generator's ceiling first (default yes) */
  ceiling?: boolean;
  /** run only these scenario ids */
  only?: string[];
  /** CPU placement done by the caller (`placeCpus`); default: shared */
  cpus?: CpuPlacement;
  log?: (line: string) => void;
}

/** a scenario at or above this fraction of the generator's ceiling may be measuring the generator */
const NEAR_CEILING = 0.6;

function emptyResult(p: PlannedScenario, reason: string): ScenarioResult {
  return {
    id: p.id,
    title: p.title,
    kind: p.kind,
    channel: p.channel,
    method: p.method,
    path: p.path,
    ...(p.alg ? { alg: p.alg } : {}),
    expected: EXPECTED[p.kind].label,
    skipped: reason,
    runs: [],
    rps: 0,
    latencyMs: { p50: 0, p90: 0, p99: 0, max: 0 },
    requests: 0,
    statuses: {},
    errors: 0,
    timeouts: 0,
    unexpected: 0,
  };
}

/**
 * The bench of one launched target: per channel (HTTP), a no-auth baseline, the accept path per alg and every
 * reject path, back to back, each after a warm-up that is not measured; then what verification costs and the
 * findings. Load goes only where `loadDecision` allowed it, within the settings' bounds.
 */
export async function runBench(target: BenchTarget, opts: BenchOptions): Promise<BenchReport> {
  const log = opts.log ?? (() => {});
  const m = target.manifest;
  const http = m.channels.http;
  if (http) assertLoopback(m, http.baseUrl);
  const tokens = new TokenFactory({
    policy: m.policy,
    trusted: target.keys ?? (await generateKeySet('untrusted')),
    attacker: await attackerKeySet(),
  });
  const caps = capabilitiesOf(m);
  const oauth = caps.has('revoke')
    ? oauthClientFor(m, { ca: target.asCa, limiter: new Limiter(1, m.limits.maxRps) })
    : undefined;
  const plan = httpScenarios(m, tokens, caps, oauth ? () => revokedToken(oauth) : undefined);
  const known = [...plan.run, ...plan.skipped].map((p) => p.id);
  const unknown = (opts.only ?? []).filter((id) => !known.includes(id));
  if (unknown.length)
    throw new GauntletError(
      `no scenario ${unknown.join(', ')} for target '${m.name}'; known: ${known.join(', ')}`,
    );
  const wanted = (id: string) => !opts.only?.length || opts.only.includes(id);
  const planned = plan.run.filter((p) => wanted(p.id));
  // throws (a readable refusal) when the manifest's bounds leave too little time: before any load
  const { settings: s, notes } = fitSettings(opts.requested, opts.decision, planned.length);
  const startedAt = new Date().toISOString();
  const report: BenchReport = {
    target: m.name,
    startedAt,
    finishedAt: startedAt,
    host: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      node: process.version,
      loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    settings: s,
    cpus: opts.cpus ?? { mode: 'shared', why: 'CPUs shared by target and load generator' },
    ceiling: { skipped: 'not measured (--no-ceiling)' },
    channels: [],
    findings: [],
    notes: [...notes, `auth-gauntlet ${VERSION}, autocannon 9, HTTP/1.1 keep-alive`],
  };
  if (!http) {
    report.inconclusive = 'the target has no HTTP channel (the only channel the bench measures so far)';
    return report;
  }
  const probe = new HttpProbe({
    baseUrl: http.baseUrl,
    ...(target.httpCa ? { ca: target.httpCa } : {}),
    timeoutMs: m.limits.requestTimeoutMs,
    limiter: new Limiter(1, Math.min(m.limits.maxRps, s.maxRps ?? Number.POSITIVE_INFINITY)),
  });
  const baseUrl = new URL(http.baseUrl);
  baseUrl.username = '';
  baseUrl.password = '';
  const results: ScenarioResult[] = [];
  const split = splitLists(opts.cpus);
  const ctx: MeasureContext = {
    baseUrl: http.baseUrl,
    ...(target.httpCa ? { ca: target.httpCa } : {}),
    settings: s,
    timeoutSeconds: Math.max(1, Math.ceil(m.limits.requestTimeoutMs / 1000)),
    clock: new LoadClock(s.maxSeconds),
    ...(split ? { cpus: split } : {}),
  };
  try {
    // one request per scenario first, through the verifying probe; the accept path is the positive control:
    // without an accepted valid token no figure means anything
    const checks = new Map<string, PreflightResult>();
    for (const p of planned) checks.set(p.id, await preflight(probe, await materialize(p)));
    const control = planned.find((p) => p.kind === 'accept');
    if (control && !checks.get(control.id)!.ok) {
      report.inconclusive = `the positive control failed: a valid token (${control.id}) got ${checks.get(control.id)!.why}; no load was sent`;
      report.channels.push({
        channel: 'http',
        target: baseUrl.origin,
        scenarios: planned.map((p) => emptyResult(p, 'not run: the positive control failed')),
        cost: { dosRisk: [] },
      });
      return report;
    }
    // under a rate cap, no one-second window may hold the pre-flight requests and a load burst together
    if (s.maxRps) await sleep(1000);
    if (opts.ceiling !== false) {
      log(`load generator ceiling (trivial server, ${s.connections} connections, ${s.threads} thread(s))…`);
      report.ceiling = await ceilingOf(baseUrl.protocol === 'https:', s, split);
      if (report.ceiling.rps)
        log(
          `  ${Math.round(report.ceiling.rps)} req/s${report.ceiling.cpuBusy ? `  CPU server/generator ${cpuPair(report.ceiling.cpuBusy)}` : ''}`,
        );
    }
    for (const p of planned) {
      const pf = checks.get(p.id)!;
      if (!pf.ok && p.kind !== 'reject') {
        // a reject path that is not rejected is measured anyway: the load shows how often, as a finding
        results.push(emptyResult(p, `not run: pre-flight request got ${pf.why}`));
        log(`${p.id}: skipped, pre-flight got ${pf.why}`);
        continue;
      }
      const { scenario, runs } = await loadScenario(p, ctx, s);
      if (runs.length === 0) {
        results.push(
          emptyResult(p, `not run: the load time bound (load.maxSeconds ${s.maxSeconds}) was reached`),
        );
        continue;
      }
      const sum = summarizeRuns(runs);
      const r: ScenarioResult = {
        ...emptyResult(p, ''),
        ...(scenario.token ? { token: scenario.token } : {}),
        runs,
        ...sum,
        unexpected: countUnexpected(sum.statuses, EXPECTED[p.kind].ok),
      };
      delete r.skipped;
      if (report.ceiling.rps && r.rps >= NEAR_CEILING * report.ceiling.rps) r.nearCeiling = true;
      if (generatorBound(r.cpuBusy)) r.generatorBound = true;
      results.push(r);
      log(
        `${p.id.padEnd(14)} ${Math.round(r.rps).toString().padStart(7)} req/s  p50 ${r.latencyMs.p50.toFixed(2)} ms` +
          `  p99 ${r.latencyMs.p99.toFixed(2)} ms${r.cpuBusy ? `  CPU t/g ${cpuPair(r.cpuBusy)}` : ''}` +
          `${r.unexpected ? `  ${r.unexpected} unexpected` : ''}`,
      );
    }
    for (const p of plan.skipped)
      if (wanted(p.id)) results.push(emptyResult({ ...p, channel: 'http', method: '', path: '' }, p.reason));
    const { cost, findings } = analyzeChannel('http', results, (k) => EXPECTED[k].ok);
    if (results.some((r) => r.kind === 'baseline' && (r.nearCeiling || r.generatorBound)))
      cost.baselineLimited = true;
    const once = async (p: PlannedScenario) =>
      (await loadScenario(p, ctx, { warmupSeconds: 0, runs: 1 })).runs;
    const confirmed = await confirmDosRisks(results, cost, findings, planned, once, log);
    report.notes.push(...confirmed.notes);
    report.channels.push({ channel: 'http', target: baseUrl.origin, scenarios: results, cost });
    report.findings.push(...confirmed.findings);
    if (!results.some((r) => r.kind === 'accept' && r.requests > 0))
      report.inconclusive ??= 'no accept path was measured: the cost of verification is unknown';
  } catch (err) {
    report.inconclusive = `the bench failed: ${describeError(err)}`;
  } finally {
    await Promise.all([probe.close(), oauth?.close()]);
    report.finishedAt = new Date().toISOString();
  }
  return report;
}

async function ceilingOf(
  tls: boolean,
  s: BenchSettings,
  cpus: SplitCpus | undefined,
): Promise<GeneratorCeiling> {
  try {
    return await measureCeiling({
      tls,
      connections: s.connections,
      seconds: s.durationSeconds,
      warmupSeconds: s.warmupSeconds,
      threads: s.threads,
      ...(cpus ? { cpus } : {}),
    });
  } catch (err) {
    return { skipped: `could not measure: ${describeError(err)}` };
  }
}

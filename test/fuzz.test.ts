import type { JSONWebKeySet } from 'jose';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { TokenFactory } from '../fixtures/forge/factory.ts';
import { generateKeySet, type KeySet, publicJwks } from '../fixtures/issuer/keys.ts';
import type { AttackContext, Channel } from '../src/catalog/types.ts';
import { launchTarget, type RunningTarget } from '../src/launch/launch.ts';
import { loadManifest } from '../src/manifest/load.ts';
import { createOracle } from '../src/oracle/oracle.ts';
import { createContext, launchedInput, type RunContext } from '../src/run/context.ts';
import { runAttack } from '../src/run/runner.ts';
import type { Exchange, Outcome } from '../src/verdict/types.ts';
import {
  type FuzzContext,
  fuzzDiffAccept,
  fuzzDiffReject,
  fuzzOptions,
  judgeFuzz,
  recipeAt,
  replayCommand,
  runFuzz,
  sharedFuzz,
} from '../suites/fuzz/differential.ts';
import { testPolicy } from './support/fixtures.ts';

/**
 * The seed the self-validation matrix uses: with the default 150 runs it catches every token-level switch of
 * the reference (24 of them) by run 123, deterministically.
 */
const SEED = 67;
const ENV = [
  'GAUNTLET_FUZZ',
  'GAUNTLET_FUZZ_SEED',
  'GAUNTLET_FUZZ_PATH',
  'GAUNTLET_FUZZ_RUNS',
  'GAUNTLET_FUZZ_SECONDS',
];
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

/** A channel that counts what it delivers (controls included). */
function counting<C extends FuzzContext>(ctx: C): C & { sent(): number } {
  let n = 0;
  const channels = ctx.channels.map(
    (c): Channel => ({
      ...c,
      deliver: (...args) => {
        n++;
        return c.deliver(...args);
      },
    }),
  );
  return { ...ctx, channels, sent: () => n };
}

describe('fuzz options', () => {
  test('defaults, soak mode, explicit values and replay', () => {
    expect(fuzzOptions({})).toMatchObject({ runs: 150, seconds: 15, seed: expect.any(Number) });
    expect(fuzzOptions({ GAUNTLET_FUZZ: 'soak' })).toMatchObject({ runs: 5000, seconds: 300 });
    expect(fuzzOptions({ GAUNTLET_FUZZ: 'soak', GAUNTLET_FUZZ_RUNS: '800' })).toMatchObject({
      runs: 800,
      seconds: 300,
    });
    expect(fuzzOptions({ GAUNTLET_FUZZ_SEED: '-7', GAUNTLET_FUZZ_PATH: '12:0:3' })).toEqual({
      seed: -7,
      runs: 150,
      seconds: 15,
      path: '12:0:3',
    });
  });

  test('the replay command keeps the target selection of the run', () => {
    expect(replayCommand(67, '3:1', {})).toBe(
      'GAUNTLET_FUZZ_SEED=67 GAUNTLET_FUZZ_PATH=3:1 npm test -- suites/fuzz',
    );
    expect(replayCommand(-2, '3', { VULN: 'alg_none,skip_aud', GAUNTLET_TARGET: "targets/it's.ts" })).toBe(
      "GAUNTLET_TARGET='targets/it'\\''s.ts' VULN=alg_none,skip_aud GAUNTLET_FUZZ_SEED=-2 GAUNTLET_FUZZ_PATH=3 npm test -- suites/fuzz",
    );
  });

  test('bad settings are refused with a message that says what to do', () => {
    expect(() => fuzzOptions({ GAUNTLET_FUZZ: 'long' })).toThrow(/"soak" or unset/);
    expect(() => fuzzOptions({ GAUNTLET_FUZZ_RUNS: '1e3' })).toThrow(/GAUNTLET_FUZZ_RUNS must be an integer/);
    expect(() => fuzzOptions({ GAUNTLET_FUZZ_PATH: '3:1' })).toThrow(/set GAUNTLET_FUZZ_SEED too/);
    expect(() => fuzzOptions({ GAUNTLET_FUZZ_SEED: '1', GAUNTLET_FUZZ_PATH: 'x' })).toThrow(/12:0:3/);
  });
});

describe('verdicts (in-process targets)', () => {
  const policy = testPolicy();
  let trusted: KeySet;
  let attacker: KeySet;
  beforeAll(async () => {
    [trusted, attacker] = await Promise.all([generateKeySet('t'), generateKeySet('a')]);
  });

  /** A resource server in this process: a correct one (the oracle itself) bent by `bug`. */
  function fakeTarget(
    bug: (token: string, correct: Outcome, n: number) => Outcome = (_, c) => c,
  ): FuzzContext {
    const tokens = new TokenFactory({ policy, trusted, attacker });
    const correct = createOracle(policy, publicJwks(trusted) as JSONWebKeySet);
    let n = 0;
    const channel: Channel = {
      name: 'fake GET /api',
      kind: 'http',
      endpoint: { method: 'GET', path: '/api' },
      async deliver(token, label) {
        const a = await correct.judge(token ?? '');
        const outcome = bug(token ?? '', a.accept ? 'accepted' : 'rejected', n++);
        const status = { accepted: 200, rejected: 401, error: 500 }[outcome];
        const ex: Exchange = {
          label,
          channel: 'fake GET /api',
          outcome,
          why: `HTTP ${status}`,
          request: { method: 'GET', url: 'fake:/api', headers: {} },
          response: { status, headers: {}, body: '' },
          ms: 0,
        };
        return ex;
      },
    };
    return {
      policy,
      tokens,
      channels: [channel],
      control: async (c) => c.deliver(await tokens.valid(), 'positive control'),
    };
  }
  const header = (token: string): Record<string, unknown> => {
    try {
      return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    } catch {
      return {};
    }
  };
  test('a target that agrees with the oracle passes both; the two attacks share one run', async () => {
    process.env.GAUNTLET_FUZZ_SEED = '5';
    process.env.GAUNTLET_FUZZ_RUNS = '60';
    // runAttack reads targetName and capabilities; the fuzz itself only the FuzzContext members
    const ctx = counting({
      ...fakeTarget(),
      targetName: 'fake',
      capabilities: new Set(['mint']),
    } as Partial<AttackContext> as AttackContext);
    const [a, r] = await Promise.all([runAttack(fuzzDiffAccept, ctx), runAttack(fuzzDiffReject, ctx)]);
    expect([a.status, r.status], `${a.reason}\n${r.reason}`).toEqual(['pass', 'pass']);
    expect(a.reason).toMatch(/seed 5/);
    const run = await sharedFuzz(ctx);
    expect(ctx.sent()).toBe(run.channels[0]!.stats.tokens + 2); // one token per distinct recipe, two controls
  });

  test('a hole is shrunk to its minimal recipe, and seed + path replay exactly that counterexample', async () => {
    const ctx = fakeTarget((token, correct) =>
      /^none$/i.test(String(header(token).alg)) ? 'accepted' : correct,
    );
    const run = await runFuzz(ctx, { seed: 3, runs: 150, seconds: 10 });
    const verdict = judgeFuzz(run, 'accept');
    const f = run.channels[0]!.findings.accept!;
    expect(verdict.status).toBe('fail');
    expect(f.recipe.changes).toHaveLength(1);
    expect(JSON.stringify(f.recipe.changes[0])).toMatch(/"(none|None|NONE|nOnE)"/);
    expect(verdict.reason).toContain(
      `GAUNTLET_FUZZ_SEED=3 GAUNTLET_FUZZ_PATH=${f.path} npm test -- suites/fuzz`,
    );
    expect(verdict.evidence[0]!.label).toContain(JSON.stringify(f.recipe));
    expect(judgeFuzz(run, 'reject').status).toBe('pass');

    expect(recipeAt(3, f.path)).toEqual(f.recipe);
    const replay = await runFuzz(ctx, { seed: 3, runs: 150, seconds: 10, path: f.path });
    expect(replay.channels[0]!.findings.accept?.recipe).toEqual(f.recipe);
    expect(replay.channels[0]!.stats.tokens).toBeLessThanOrEqual(2);
  });

  test('a target that refuses every token is inconclusive, and nothing is fuzzed', async () => {
    const ctx = counting(fakeTarget(() => 'rejected'));
    const run = await runFuzz(ctx, { seed: 1, runs: 50, seconds: 5 });
    expect([judgeFuzz(run, 'accept').status, judgeFuzz(run, 'reject').status]).toEqual([
      'inconclusive',
      'inconclusive',
    ]);
    expect(judgeFuzz(run, 'accept').reason).toMatch(/positive control not accepted/);
    expect(ctx.sent()).toBe(1);
  });

  test('target errors (5xx) make both directions inconclusive when nothing disagrees', async () => {
    const ctx = fakeTarget((token, correct) => ('crit' in header(token) ? 'error' : correct));
    const run = await runFuzz(ctx, { seed: 1, runs: 150, seconds: 10 });
    const a = judgeFuzz(run, 'accept');
    expect(a.status).toBe('inconclusive');
    expect(a.reason).toMatch(/no clear answer for \d+ generated token/);
  });

  test('refusals after the target stopped accepting valid tokens are not over-strictness', async () => {
    const ctx = fakeTarget((_, correct, n) => (n > 20 ? 'rejected' : correct));
    const run = await runFuzz(ctx, { seed: 1, runs: 100, seconds: 10 });
    const r = judgeFuzz(run, 'reject');
    expect(run.channels[0]!.findings.reject).toBeDefined();
    expect(r.status).toBe('inconclusive');
    expect(r.reason).toMatch(/no longer accepted/);
  });
});

describe('differential fuzzing against the bundled reference', () => {
  const targets = new Map<string, { running: RunningTarget; ctx: RunContext }>();
  beforeAll(async () => {
    const keys = await generateKeySet('fuzz');
    const m = await loadManifest('targets/reference.ts');
    // one after the other: ports are picked free, and parallel launches can race for them
    for (const vuln of ['', 'skip_aud', 'alg_none']) {
      const running = await launchTarget(m, { vuln, keys });
      const ctx = await createContext({ ...launchedInput(running, { withIssuer: false }), trusted: keys });
      targets.set(vuln, { running, ctx });
    }
  }, 120_000);
  afterAll(async () => {
    for (const { running, ctx } of targets.values()) {
      await ctx.close();
      await running.stop();
    }
  });

  test(`secure reference: both fuzz attacks pass with seed ${SEED}, on one shared run`, async () => {
    process.env.GAUNTLET_FUZZ_SEED = String(SEED);
    const ctx = counting(targets.get('')!.ctx);
    const t0 = performance.now();
    const [a, r] = await Promise.all([runAttack(fuzzDiffAccept, ctx), runAttack(fuzzDiffReject, ctx)]);
    const ms = Math.round(performance.now() - t0);
    expect([a.status, r.status], `${a.reason}\n${r.reason}`).toEqual(['pass', 'pass']);
    expect(a.controls.map((c) => c.outcome)).toEqual(['accepted', 'accepted']);
    const run = await sharedFuzz(ctx);
    expect(ctx.sent()).toBe(run.channels[0]!.stats.tokens + 2);
    console.log(`default fuzz run against the secure reference: ${ms} ms; ${a.reason}`);
  });

  test('VULN=skip_aud: FUZZ-DIFF-ACCEPT fails with an aud counterexample; seed + path replay it', async () => {
    const { ctx } = targets.get('skip_aud')!;
    const run = await runFuzz(ctx, { seed: SEED, runs: 150, seconds: 15 });
    const verdict = judgeFuzz(run, 'accept');
    const f = run.channels[0]!.findings.accept!;
    expect(verdict.status, verdict.reason).toBe('fail');
    expect(f.recipe.changes).toHaveLength(1);
    expect(f.recipe.changes[0]).toMatchObject({ claim: 'aud' });
    expect(f.confirmation?.disagreement).toBe('accept');
    expect(verdict.reason).toContain(`Seed ${SEED}, path ${f.path}`);
    expect(verdict.reason).toContain(
      `GAUNTLET_FUZZ_SEED=${SEED} GAUNTLET_FUZZ_PATH=${f.path} npm test -- suites/fuzz`,
    );
    expect(verdict.evidence[0]).toMatchObject({
      outcome: 'accepted',
      label: expect.stringContaining(JSON.stringify(f.recipe)),
    });
    expect(judgeFuzz(run, 'reject').status).toBe('pass');

    // the replay command's environment, through the attack itself: the same minimal counterexample
    process.env.GAUNTLET_FUZZ_SEED = String(SEED);
    process.env.GAUNTLET_FUZZ_PATH = f.path;
    const replayCtx = counting(ctx);
    const replay = await runAttack(fuzzDiffAccept, replayCtx);
    expect(replay.status).toBe('fail');
    expect((await sharedFuzz(replayCtx)).channels[0]!.findings.accept?.recipe).toEqual(f.recipe);
    expect(replayCtx.sent()).toBe(4); // two controls, the counterexample, its confirmation
  });

  test('VULN=alg_none: FUZZ-DIFF-ACCEPT fails with an unsecured-token counterexample', async () => {
    const run = await runFuzz(targets.get('alg_none')!.ctx, { seed: SEED, runs: 150, seconds: 15 });
    const f = run.channels[0]!.findings.accept;
    expect(judgeFuzz(run, 'accept').status).toBe('fail');
    expect(f?.recipe.changes).toHaveLength(1);
    expect(JSON.stringify(f?.recipe.changes[0])).toMatch(/"(none|None|NONE|nOnE)"/);
    expect(judgeFuzz(run, 'reject').status).toBe('pass');
  });
});

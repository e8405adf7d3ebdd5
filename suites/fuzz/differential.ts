import fc, { type Plugin } from 'fast-check';
import type { JSONWebKeySet } from 'jose';
import type { TokenFactory } from '../../fixtures/forge/factory.ts';
import { publicJwks } from '../../fixtures/issuer/keys.ts';
import { cwe, rfc } from '../../src/catalog/references.ts';
import type { Attack, AttackContext, AttackResult, Channel } from '../../src/catalog/types.ts';
import { describeError, GauntletError } from '../../src/errors.ts';
import { createOracle, type Oracle, type OracleAnswer } from '../../src/oracle/oracle.ts';
import type { Exchange } from '../../src/verdict/types.ts';
import { buildToken, type Recipe, recipeArb, recipeText } from './arbitraries.ts';
import { relatedAttack } from './related.ts';

/** accept: the target accepts what the oracle rejects (a hole); reject: it refuses what the oracle accepts. */
export type Direction = 'accept' | 'reject';

export interface FuzzOptions {
  /** fast-check seed: the same seed generates the same recipes */
  seed: number;
  /** recipes per direction and channel */
  runs: number;
  /** time budget for the whole fuzz run (all channels); fast-check stops generating when it is spent */
  seconds: number;
  /** replay one counterexample: fast-check's counterexample path for `seed` */
  path?: string;
}

export const DEFAULT_FUZZ = { runs: 150, seconds: 15 } as const;
export const SOAK_FUZZ = { runs: 5000, seconds: 300 } as const;

/** One seed per process unless set: targets scanned together see the same recipes, so tokens are reused. */
const PROCESS_SEED = Math.floor(Math.random() * 0x7fffffff);
const randomSeed = () => PROCESS_SEED;

/**
 * Options from the environment: GAUNTLET_FUZZ_RUNS, GAUNTLET_FUZZ_SECONDS, GAUNTLET_FUZZ=soak (nightly: 5000
 * runs / 300 s; explicit RUNS/SECONDS still win), GAUNTLET_FUZZ_SEED and GAUNTLET_FUZZ_PATH (replay).
 * Without a seed, every run explores new recipes; each verdict names its seed.
 */
export function fuzzOptions(env: NodeJS.ProcessEnv = process.env): FuzzOptions {
  const mode = env.GAUNTLET_FUZZ;
  if (mode && mode !== 'soak')
    throw new GauntletError(`GAUNTLET_FUZZ must be "soak" or unset, not "${mode}"`);
  const base = mode === 'soak' ? SOAK_FUZZ : DEFAULT_FUZZ;
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    if (!/^-?\d+$/.test(v) || Number(v) < min || Number(v) > max)
      throw new GauntletError(`${name} must be an integer from ${min} to ${max}, not "${v}"`);
    return Number(v);
  };
  const path = env.GAUNTLET_FUZZ_PATH || undefined;
  if (path && !/^\d+(:\d+)*$/.test(path))
    throw new GauntletError(`GAUNTLET_FUZZ_PATH must look like 12:0:3 (from a finding), not "${path}"`);
  if (path && !env.GAUNTLET_FUZZ_SEED)
    throw new GauntletError(
      'GAUNTLET_FUZZ_PATH replays a counterexample of one seed: set GAUNTLET_FUZZ_SEED too',
    );
  return {
    seed: int('GAUNTLET_FUZZ_SEED', randomSeed(), -0x80000000, 0x7fffffff),
    runs: int('GAUNTLET_FUZZ_RUNS', base.runs, 1, 1_000_000),
    seconds: int('GAUNTLET_FUZZ_SECONDS', base.seconds, 1, 86_400),
    ...(path ? { path } : {}),
  };
}

const shellWord = (s: string) => (/^[\w.,/:@%+=-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`);

/** How a counterexample is replayed: the same target selection, seed and path, the fuzz suite only. */
export function replayCommand(seed: number, path: string, env: NodeJS.ProcessEnv = process.env): string {
  const target = ['GAUNTLET_TARGET', 'VULN'].filter((k) => env[k]).map((k) => `${k}=${shellWord(env[k]!)}`);
  return [
    ...target,
    `GAUNTLET_FUZZ_SEED=${seed}`,
    `GAUNTLET_FUZZ_PATH=${path}`,
    'npm test -- suites/fuzz',
  ].join(' ');
}

/** What the fuzz needs from a run context. */
export type FuzzContext = Pick<AttackContext, 'policy' | 'tokens' | 'channels' | 'control'>;

/** One generated token: what the oracle said and what the target did. */
export interface Observation {
  recipe: Recipe;
  oracle: OracleAnswer;
  exchange: Exchange;
  disagreement?: Direction;
}

export interface FuzzFinding {
  direction: Direction;
  channel: string;
  /** the shrunk, minimal recipe */
  recipe: Recipe;
  seed: number;
  path: string;
  replay: string;
  /** runs until the first disagreement, and shrink steps after it */
  runs: number;
  shrinks: number;
  observation: Observation;
  /** the same recipe built and sent once more, with a fresh token */
  confirmation?: Observation;
}

export interface FuzzStats {
  tokens: number;
  oracleAccepts: number;
  oracleRejects: number;
  /** tokens the standards let a correct RS answer either way: not compared */
  open: number;
  accepted: number;
  rejected: number;
  errors: number;
}

export interface ChannelFuzz {
  channel: string;
  before: Exchange;
  after?: Exchange;
  findings: Partial<Record<Direction, FuzzFinding>>;
  passes: Partial<Record<Direction, { runs: number; interrupted: boolean }>>;
  stats: FuzzStats;
  /** target errors (5xx, timeouts, no answer): the first few */
  errors: Exchange[];
  /** the harness could not build or judge a recipe (a bug in the harness, never the target's fault) */
  harnessErrors: string[];
  /** a few agreeing exchanges, as evidence for a pass */
  sample: Exchange[];
}

export interface FuzzRun {
  options: FuzzOptions;
  channels: ChannelFuzz[];
  ms: number;
}

const emptyStats = (): FuzzStats => ({
  tokens: 0,
  oracleAccepts: 0,
  oracleRejects: 0,
  open: 0,
  accepted: 0,
  rejected: 0,
  errors: 0,
});

function disagreement(oracle: OracleAnswer, exchange: Exchange): Direction | undefined {
  if (oracle.open) return undefined;
  if (exchange.outcome === 'accepted' && !oracle.accept) return 'accept';
  if (exchange.outcome === 'rejected' && oracle.accept) return 'reject';
  return undefined;
}

const SAMPLE = 6;
const KEEP_ERRORS = 10;

/** Each distinct recipe is built and signed once per token factory, however many targets share it. */
const tokenCache = new WeakMap<TokenFactory, Map<string, string>>();
function cachedToken(recipe: Recipe, tokens: TokenFactory, scope: { scope?: string }): string {
  const cache = tokenCache.get(tokens) ?? new Map<string, string>();
  tokenCache.set(tokens, cache);
  const key = `${scope.scope ?? ''} ${recipeText(recipe)}`;
  const token = cache.get(key) ?? buildToken(recipe, tokens, scope);
  cache.set(key, token);
  return token;
}

async function fuzzChannel(
  ctx: FuzzContext,
  channel: Channel,
  oracle: Oracle,
  options: FuzzOptions,
  budgetMs: number,
): Promise<ChannelFuzz> {
  const result: ChannelFuzz = {
    channel: channel.name,
    before: await ctx.control(channel),
    findings: {},
    passes: {},
    stats: emptyStats(),
    errors: [],
    harnessErrors: [],
    sample: [],
  };
  if (result.before.outcome !== 'accepted') return result;

  const scope = channel.endpoint.scope ? { scope: channel.endpoint.scope } : {};
  const stats = result.stats;
  const samples = { accepted: 0, rejected: 0 };

  /** builds the token now, asks the oracle and the target; never throws */
  const send = async (recipe: Recipe, label: string, fresh = false): Promise<Observation | undefined> => {
    try {
      const token = fresh ? buildToken(recipe, ctx.tokens, scope) : cachedToken(recipe, ctx.tokens, scope);
      const [answer, exchange] = await Promise.all([oracle.judge(token), channel.deliver(token, label)]);
      const d = disagreement(answer, exchange);
      return { recipe, oracle: answer, exchange, ...(d ? { disagreement: d } : {}) };
    } catch (err) {
      result.harnessErrors.push(`${recipeText(recipe)}: ${describeError(err)}`);
      return undefined;
    }
  };

  // one observation per distinct recipe: the second direction and the shrinker re-use the answers
  const memo = new Map<string, Promise<Observation | undefined>>();
  const observe = (recipe: Recipe) => {
    const key = recipeText(recipe);
    let o = memo.get(key);
    if (!o) {
      o = send(recipe, `fuzz: ${key}`).then((obs) => {
        if (obs) record(obs);
        return obs;
      });
      memo.set(key, o);
    }
    return o;
  };
  const record = (obs: Observation) => {
    stats.tokens++;
    if (obs.oracle.open) stats.open++;
    else if (obs.oracle.accept) stats.oracleAccepts++;
    else stats.oracleRejects++;
    const outcome = obs.exchange.outcome;
    stats[outcome === 'error' ? 'errors' : outcome]++;
    if (outcome === 'error') {
      if (result.errors.length < KEEP_ERRORS) result.errors.push(obs.exchange);
    } else if (!obs.disagreement && !obs.oracle.open && samples[outcome] < SAMPLE) {
      samples[outcome]++;
      result.sample.push(obs.exchange);
    }
  };

  const finding = async (
    direction: Direction,
    recipe: Recipe,
    path: string,
    runs: number,
    shrinks: number,
  ): Promise<void> => {
    const observation = await observe(recipe);
    if (observation?.disagreement !== direction) return;
    const confirmation = await send(recipe, `confirmation: ${recipeText(recipe)}`, true);
    result.findings[direction] = {
      direction,
      channel: channel.name,
      recipe,
      seed: options.seed,
      path,
      replay: replayCommand(options.seed, path),
      runs,
      shrinks,
      observation,
      ...(confirmation ? { confirmation } : {}),
    };
  };

  if (options.path) {
    // replay: exactly the recipe at seed + path, sent once, judged in both directions
    const recipe = recipeAt(options.seed, options.path);
    for (const direction of ['accept', 'reject'] as const) {
      await finding(direction, recipe, options.path, 1, 0);
      result.passes[direction] = { runs: 1, interrupted: false };
    }
  } else {
    const deadline = Date.now() + budgetMs;
    for (const direction of ['accept', 'reject'] as const) {
      const property = fc.asyncProperty(
        recipeArb,
        async (recipe) => (await observe(recipe))?.disagreement !== direction,
      );
      const details = await fc.check<[Recipe]>(property, {
        seed: options.seed,
        numRuns: options.runs,
        // (the plugin is typed Plugin<unknown>, which fast-check 4.10's Parameters<Ts> does not accept)
        plugins: [fc.interruptAfterTimeLimit(Math.max(deadline - Date.now(), 1000)) as Plugin<[Recipe]>],
      });
      result.passes[direction] = { runs: details.numRuns, interrupted: details.interrupted };
      if (!details.failed) continue;
      if (!details.counterexample || details.counterexamplePath === null) {
        result.harnessErrors.push(
          `fast-check stopped without a counterexample (${details.interrupted ? 'time budget spent before the first run' : describeError(details.errorInstance)})`,
        );
        continue;
      }
      await finding(
        direction,
        details.counterexample[0],
        details.counterexamplePath,
        details.numRuns,
        details.numShrinks,
      );
    }
  }
  result.after = await ctx.control(channel);
  return result;
}

/** The recipe fast-check generates for `seed` at `path` (a run index, then shrink steps): nothing is sent. */
export function recipeAt(seed: number, path: string): Recipe {
  let found: Recipe | undefined;
  fc.check(
    fc.property(recipeArb, (recipe) => {
      found = recipe;
      return false;
    }),
    { seed, path, numRuns: 1, endOnFailure: true },
  );
  if (!found) throw new GauntletError(`GAUNTLET_FUZZ_PATH ${path} names no recipe for seed ${seed}`);
  return found;
}

/** Runs the differential fuzz on every channel of the target, one after the other, within the time budget. */
export async function runFuzz(ctx: FuzzContext, options: FuzzOptions): Promise<FuzzRun> {
  const t0 = Date.now();
  const oracle = createOracle(ctx.policy, publicJwks(ctx.tokens.trusted) as JSONWebKeySet);
  const channels: ChannelFuzz[] = [];
  const deadline = t0 + options.seconds * 1000;
  for (const [i, channel] of ctx.channels.entries()) {
    const budget = Math.max((deadline - Date.now()) / (ctx.channels.length - i), 1000);
    channels.push(await fuzzChannel(ctx, channel, oracle, options, budget));
  }
  return { options, channels, ms: Date.now() - t0 };
}

const shared = new WeakMap<AttackContext, Promise<FuzzRun>>();

/** One fuzz run per context, shared by both attacks so they do not double the traffic. */
export function sharedFuzz(ctx: AttackContext): Promise<FuzzRun> {
  let run = shared.get(ctx);
  if (!run) {
    run = Promise.resolve().then(() => runFuzz(ctx, fuzzOptions()));
    shared.set(ctx, run);
  }
  return run;
}

/** A test timeout that fits the configured budget (the suite's default 60 s is too short for a soak). */
export function fuzzTimeoutMs(env: NodeJS.ProcessEnv = process.env): number {
  let seconds: number = DEFAULT_FUZZ.seconds;
  try {
    seconds = fuzzOptions(env).seconds;
  } catch {
    // the attack reports the bad setting itself
  }
  return (seconds + 60) * 1000;
}

// ---------------------------------------------------------------------------------------------- verdicts

const WHAT: Record<Direction, string> = {
  accept: 'accepted a token that a correct verifier rejects',
  reject: 'refused a token that a correct verifier accepts (over-strict: valid clients break)',
};

function describeFinding(f: FuzzFinding): string {
  const o = f.observation;
  const answer = o.exchange.response ? `HTTP ${o.exchange.response.status}` : o.exchange.why;
  const confirmed = !f.confirmation
    ? ''
    : f.confirmation.disagreement === f.direction
      ? '; reproduced with a fresh token'
      : `; a fresh token built from the same recipe was answered ${f.confirmation.exchange.outcome}`;
  return (
    `${f.channel} ${WHAT[f.direction]} (target: ${answer}; oracle: ${o.oracle.accept ? 'accept' : 'reject'}, ${o.oracle.reason}). ` +
    `Minimal recipe after ${f.runs} run(s) and ${f.shrinks} shrink(s): ${recipeText(f.recipe)}${confirmed}. ` +
    `Seed ${f.seed}, path ${f.path}; replay: ${f.replay}`
  );
}

function findingEvidence(f: FuzzFinding): Exchange[] {
  const tag = `seed ${f.seed}, path ${f.path}`;
  const out = [
    {
      ...f.observation.exchange,
      label: `counterexample (${tag}): recipe ${recipeText(f.recipe)}; oracle: ${f.observation.oracle.accept ? 'accept' : 'reject'} (${f.observation.oracle.reason})`,
    },
  ];
  if (f.confirmation)
    out.push({
      ...f.confirmation.exchange,
      label: `replayed once more (${tag}): recipe ${recipeText(f.recipe)}`,
    });
  return out;
}

const seedNote = (run: FuzzRun) =>
  `seed ${run.options.seed}${run.options.path ? `, path ${run.options.path}` : ''}`;

/** The verdict of one direction, next to the positive controls before and after the fuzz on each channel. */
export function judgeFuzz(run: FuzzRun, direction: Direction): AttackResult {
  const controls = run.channels.flatMap((c) => (c.after ? [c.before, c.after] : [c.before]));
  const sample = run.channels.flatMap((c) => c.sample);
  const noControl = run.channels.filter((c) => c.before.outcome !== 'accepted');
  const lost = run.channels.filter((c) => c.before.outcome === 'accepted' && c.after?.outcome !== 'accepted');
  // a refusal counts as over-strict only while the target still accepts a valid token
  const findings = run.channels.flatMap((c) => {
    const f = c.findings[direction];
    return f && (direction === 'accept' || c.after?.outcome === 'accepted') ? [f] : [];
  });
  if (findings.length) {
    const related = relatedAttack(findings[0]!.recipe);
    return {
      status: 'fail',
      ...(related ? { relatedAttack: related } : {}),
      reason: `${related ? `the same flaw as ${related}: ` : ''}${findings.map(describeFinding).join(' | ')}`,
      controls,
      evidence: [...findings.flatMap(findingEvidence), ...sample],
    };
  }
  if (noControl.length) {
    return {
      status: 'inconclusive',
      reason: `positive control not accepted on ${noControl.map((c) => `${c.channel}: ${c.before.why}`).join('; ')}; no token was fuzzed`,
      controls,
      evidence: [],
    };
  }
  const harness = run.channels.flatMap((c) => c.harnessErrors);
  if (harness.length) {
    return {
      status: 'inconclusive',
      reason: `harness error during the fuzz (${seedNote(run)}): ${harness.slice(0, 3).join('; ')}`,
      controls,
      evidence: sample,
    };
  }
  const errors = run.channels.flatMap((c) => c.errors);
  const errorCount = run.channels.reduce((s, c) => s + c.stats.errors, 0);
  if (errorCount) {
    return {
      status: 'inconclusive',
      reason: `no clear answer for ${errorCount} generated token(s) (${seedNote(run)}): ${errors
        .slice(0, 3)
        .map((e) => `${e.label} → ${e.why}`)
        .join('; ')}`,
      controls,
      evidence: [...errors, ...sample],
    };
  }
  if (lost.length) {
    return {
      status: 'inconclusive',
      reason: `a valid token was no longer accepted after the fuzz (${lost.map((c) => `${c.channel}: ${c.after?.why ?? 'not sent'}`).join('; ')})`,
      controls,
      evidence: sample,
    };
  }
  const s = run.channels.reduce((a, c) => {
    for (const k of Object.keys(a) as (keyof FuzzStats)[]) a[k] += c.stats[k];
    return a;
  }, emptyStats());
  const passes = run.channels.map((c) => {
    const p = c.passes[direction];
    return `${c.channel}: ${p?.runs ?? 0} run(s)${p?.interrupted ? ' (time budget reached)' : ''}`;
  });
  return {
    status: 'pass',
    reason:
      `the target agreed with the oracle on every generated token (${s.tokens} distinct: ${s.oracleAccepts} valid, ` +
      `${s.oracleRejects} invalid, ${s.open} left open by the standards); ${passes.join('; ')}; ${seedNote(run)}`,
    controls,
    evidence: sample,
  };
}

// ---------------------------------------------------------------------------------------------- attacks

/** A finding that is the same flaw as a scripted attack is as severe as that attack (advisory stays advisory). */
async function withRelatedSeverity(result: AttackResult): Promise<AttackResult> {
  if (!result.relatedAttack) return result;
  const { catalog } = await import('../catalog.ts'); // the catalog lists this module: resolve at run time
  const related = catalog.find((a) => a.id === result.relatedAttack);
  return related ? { ...result, severity: related.severity } : result;
}

export const fuzzDiffAccept: Attack = {
  id: 'FUZZ-DIFF-ACCEPT',
  title: 'Differential fuzzing: no token that a correct verifier rejects is accepted',
  area: 'fuzz',
  severity: 'high',
  expectation:
    'Every generated token (header, claims, signing key and byte-level mutations of valid tokens) that the reference verifier (jose + the policy) rejects is refused; a disagreement is reported with its shrunk recipe, seed and replay command.',
  references: [
    rfc('8725', '3'),
    rfc('9068', '4'),
    rfc('7515', '5.2'),
    rfc('7519', '7.2'),
    cwe(347),
    cwe(345),
    cwe(436),
  ],
  requires: ['mint'],
  run: async (ctx) => withRelatedSeverity(judgeFuzz(await sharedFuzz(ctx), 'accept')),
};

export const fuzzDiffReject: Attack = {
  id: 'FUZZ-DIFF-REJECT',
  title: 'Differential fuzzing: every token that a correct verifier accepts is served',
  area: 'fuzz',
  // an over-strict verifier breaks valid clients; no attacker gains anything: advisory
  severity: 'info',
  expectation:
    'Every generated token that the reference verifier (jose + the policy) accepts is served: an over-strict verifier breaks valid clients. Where the standards leave the answer to the RS (leeway, key selection without kid), either answer is fine.',
  references: [rfc('9068', '4'), rfc('7519', '7.2'), rfc('7515', '5.2'), cwe(436)],
  requires: ['mint'],
  run: async (ctx) => judgeFuzz(await sharedFuzz(ctx), 'reject'),
};

export const fuzzAttacks: Attack[] = [fuzzDiffAccept, fuzzDiffReject];

import { CAPABILITY_REASON } from '../capabilities.ts';
import type { Attack, AttackContext } from '../catalog/types.ts';
import { describeError } from '../errors.ts';
import type { Verdict } from '../verdict/types.ts';
import { mapPool } from './pool.ts';

function meta(attack: Attack, target: string) {
  return {
    attackId: attack.id,
    title: attack.title,
    area: attack.area,
    severity: attack.severity,
    references: attack.references,
    target,
  };
}

/** Runs one attack; never throws: a harness or target error is an inconclusive verdict. */
export async function runAttack(attack: Attack, ctx: AttackContext): Promise<Verdict> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const missing = attack.requires.filter((c) => !ctx.capabilities.has(c));
  if (missing.length) {
    return {
      ...meta(attack, ctx.targetName),
      status: 'skipped',
      reason: `needs ${missing.join(', ')}: ${missing.map((c) => CAPABILITY_REASON[c]).join('; ')}`,
      controls: [],
      evidence: [],
      startedAt,
      ms: 0,
    };
  }
  try {
    const r = await attack.run(ctx);
    // a finding keeps its accepted tokens first; a pass keeps a sample
    const keep = r.status === 'pass' ? 6 : 40;
    const omitted = Math.max(0, r.evidence.length - keep);
    return {
      ...meta(attack, ctx.targetName),
      ...r,
      severity: r.severity ?? attack.severity,
      evidence: r.evidence.slice(0, keep),
      ...(omitted ? { evidenceOmitted: omitted } : {}),
      startedAt,
      ms: Math.round(performance.now() - t0),
    };
  } catch (err) {
    return {
      ...meta(attack, ctx.targetName),
      status: 'inconclusive',
      reason: `harness error while attacking: ${describeError(err)}`,
      controls: [],
      evidence: [],
      startedAt,
      ms: Math.round(performance.now() - t0),
    };
  }
}

/**
 * Runs attacks with bounded concurrency (the probe's limiter bounds the traffic itself); attacks that take
 * part of the target down run after the others, one at a time. Verdicts come back in catalog order.
 */
export async function runCatalog(attacks: Attack[], ctx: AttackContext, concurrency = 4): Promise<Verdict[]> {
  const verdicts = new Map<Attack, Verdict>();
  const shared = attacks.filter((a) => !a.exclusive);
  for (const [i, v] of (await mapPool(shared, concurrency, (a) => runAttack(a, ctx))).entries())
    verdicts.set(shared[i]!, v);
  for (const a of attacks.filter((x) => x.exclusive)) verdicts.set(a, await runAttack(a, ctx));
  return attacks.map((a) => verdicts.get(a)!);
}

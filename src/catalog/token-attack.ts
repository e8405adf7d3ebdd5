import type { TokenFactory } from '../../fixtures/forge/factory.ts';
import { type ChannelRun, judgeRejections } from '../verdict/judge.ts';
import type { Attack, AttackContext, AttackMeta, AttackResult, Channel, TokenCase } from './types.ts';

type Cases = (tokens: TokenFactory, ctx: AttackContext) => TokenCase[] | Promise<TokenCase[]>;

export interface TokenAttackSpec extends Omit<AttackMeta, 'requires'> {
  requires?: AttackMeta['requires'];
  /** tokens that depend only on policy and keys: built once per TokenFactory, shared by every target */
  cases: Cases;
  /** tokens that depend on the target itself (its TLS certificate, a per-target URL): built per run */
  targetCases?: Cases;
  /** which channels to attack; default: the primary channel of each kind */
  channels?: (ctx: AttackContext) => Channel[];
  /** robustness attacks: a 5xx or a timeout is the finding */
  errorsAreFindings?: boolean;
  /** why the attack does not apply to this policy, if it does not */
  notApplicable?: (ctx: AttackContext) => string | undefined;
  /** a further single check on the result (e.g. "the target fetched the attacker's URL") */
  afterwards?: (ctx: AttackContext, result: AttackResult) => Promise<AttackResult>;
}

/** Token cases depend only on the factory (policy and keys): built once per factory, shared by every target. */
function memo(): <T>(tokens: TokenFactory, build: () => T) => T {
  const cache = new WeakMap<TokenFactory, unknown>();
  return <T>(tokens: TokenFactory, build: () => T): T => {
    if (!cache.has(tokens)) cache.set(tokens, build());
    return cache.get(tokens) as T;
  };
}

/**
 * The common shape of a token attack: build the tokens once, send each on every channel the target has,
 * next to a positive control before and after, and require every one to be refused.
 */
export function tokenAttack(spec: TokenAttackSpec): Attack {
  const { cases, targetCases, channels, errorsAreFindings, notApplicable, afterwards, ...meta } = spec;
  const casesFor = memo();
  return {
    ...meta,
    requires: meta.requires ?? ['mint'],
    async run(ctx) {
      const why = notApplicable?.(ctx);
      if (why) return { status: 'skipped', reason: why, controls: [], evidence: [] };
      const list = [
        ...(await casesFor(ctx.tokens, () => cases(ctx.tokens, ctx))),
        ...(targetCases ? await targetCases(ctx.tokens, ctx) : []),
      ];
      const informational = new Set(list.filter((c) => c.informational).map((c) => c.label));
      const runs: ChannelRun[] = [];
      for (const channel of channels ? channels(ctx) : ctx.channels) {
        const before = await ctx.control(channel);
        if (before.outcome !== 'accepted') {
          runs.push({ channel: channel.name, before, exchanges: [] });
          continue;
        }
        const exchanges = await Promise.all(list.map((c) => channel.deliver(c.token, c.label, c.delivery)));
        const after = await ctx.control(channel);
        runs.push({ channel: channel.name, before, exchanges, after });
      }
      const result = judgeRejections(runs, {
        informational,
        ...(errorsAreFindings ? { errorsAreFindings } : {}),
      });
      return afterwards ? afterwards(ctx, result) : result;
    },
  };
}

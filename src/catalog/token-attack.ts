import type { TokenFactory } from '../../fixtures/forge/factory.ts';
import { type ChannelRun, judgeRejections } from '../verdict/judge.ts';
import type { Attack, AttackContext, AttackMeta, TokenCase } from './types.ts';

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
 * next to a positive control, and require every one to be refused.
 */
export function tokenAttack(
  meta: Omit<AttackMeta, 'requires'> & { requires?: AttackMeta['requires'] },
  cases: (tokens: TokenFactory, ctx: AttackContext) => TokenCase[] | Promise<TokenCase[]>,
): Attack {
  const casesFor = memo();
  return {
    ...meta,
    requires: meta.requires ?? ['mint'],
    async run(ctx) {
      const list = await casesFor(ctx.tokens, () => cases(ctx.tokens, ctx));
      const runs: ChannelRun[] = [];
      for (const channel of ctx.channels) {
        const before = await ctx.control(channel);
        if (before.outcome !== 'accepted') {
          runs.push({ channel: channel.name, before, exchanges: [] });
          continue;
        }
        const exchanges = await Promise.all(list.map((c) => channel.deliver(c.token, c.label, c.delivery)));
        const after = exchanges.some((e) => e.outcome === 'accepted')
          ? undefined
          : await ctx.control(channel);
        runs.push({ channel: channel.name, before, exchanges, ...(after ? { after } : {}) });
      }
      return judgeRejections(runs);
    },
  };
}

import { challengeError, failures, status } from '../../src/catalog/conditions.ts';
import { cwe, rfc } from '../../src/catalog/references.ts';
import type { Attack } from '../../src/catalog/types.ts';
import { type ChannelRun, judgeRejections } from '../../src/verdict/judge.ts';

/** Scopes that must not satisfy `needed`: none, another endpoint's, and look-alikes of it. */
function insufficient(needed: string, others: string[]): { label: string; scope: string | undefined }[] {
  const [resource] = needed.split(':');
  const cases = [
    { label: 'no scope claim', scope: undefined },
    { label: 'scope openid', scope: 'openid' },
    { label: `scope ${needed}x (superstring)`, scope: `${needed}x` },
    { label: `scope ${needed.slice(0, -1)} (prefix)`, scope: needed.slice(0, -1) },
    ...(resource && resource !== needed
      ? [{ label: `scope ${resource} (resource only)`, scope: resource }]
      : []),
    ...others.map((s) => ({ label: `scope ${s} (another endpoint's)`, scope: s })),
  ];
  return cases.filter((c) => c.scope === undefined || !c.scope.split(' ').includes(needed));
}

export const scopeInsufficient: Attack = {
  id: 'HTTP-SCOPE-INSUFFICIENT',
  title: 'Scope below what the endpoint needs: none, another endpoint scope, look-alikes',
  area: 'http',
  severity: 'high',
  expectation:
    'An endpoint that needs a scope refuses tokens without it (403 insufficient_scope), including superstrings and prefixes.',
  references: [rfc('6750', '3.1'), rfc('9068', '5'), rfc('8725', '3.9'), cwe(285), cwe(863)],
  requires: ['mint', 'http'],
  async run(ctx) {
    const scoped = ctx.endpointChannels.filter((c) => c.endpoint.scope);
    if (!scoped.length)
      return {
        status: 'skipped',
        reason: 'the manifest declares no endpoint that needs a scope',
        controls: [],
        evidence: [],
      };
    const all = [...new Set(scoped.map((c) => c.endpoint.scope!))];
    const runs: ChannelRun[] = [];
    for (const ch of scoped) {
      const needed = ch.endpoint.scope!;
      const before = await ctx.control(ch);
      if (before.outcome !== 'accepted') {
        runs.push({ channel: ch.name, before, exchanges: [] });
        continue;
      }
      const tokens = await Promise.all(
        insufficient(
          needed,
          all.filter((s) => s !== needed),
        ).map(async (c) => ({ ...c, token: await ctx.tokens.valid(c.scope ? { scope: c.scope } : {}) })),
      );
      const exchanges = await Promise.all(tokens.map((c) => ch.deliver(c.token, `${c.label} for ${needed}`)));
      runs.push({ channel: ch.name, before, exchanges, after: await ctx.control(ch) });
    }
    const result = judgeRejections(runs);
    if (result.status !== 'pass') return result;
    // RFC 6750 §3.1: the refusal of a valid token with too little scope is a 403 naming insufficient_scope
    const notes = result.evidence.flatMap((e) =>
      failures(e, [status(403), challengeError('insufficient_scope')]),
    );
    return notes.length
      ? { ...result, reason: `${result.reason}; note: ${[...new Set(notes)].slice(0, 2).join('; ')}` }
      : result;
  },
};

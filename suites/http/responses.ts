import {
  bearerChallenge,
  challengeError,
  failures,
  noReasonInBody,
  status,
} from '../../src/catalog/conditions.ts';
import { cwe, rfc } from '../../src/catalog/references.ts';
import type { Attack, AttackContext, AttackResult } from '../../src/catalog/types.ts';
import type { Exchange } from '../../src/verdict/types.ts';

/**
 * Refusals worth looking at: an invalid token of several kinds. Answers that are not refusals (a target that
 * accepts one of them has another finding; a 500 is a robustness finding) are left to the attacks about them.
 */
async function refusals(ctx: AttackContext): Promise<{ controls: Exchange[]; refused: Exchange[] }> {
  const t = ctx.tokens;
  const past = t.now() - t.policy.maxLeewaySeconds - 600;
  const [h, p] = (await t.valid()).split('.');
  const controls: Exchange[] = [];
  const refused: Exchange[] = [];
  for (const ch of ctx.channels) {
    const before = await ctx.control(ch);
    controls.push(before);
    if (before.outcome !== 'accepted') continue;
    const answers = await Promise.all([
      ch.deliver(t.signed(t.claims(undefined, { exp: past, iat: past - 60 })), 'expired token'),
      ch.deliver(
        t.signed(t.claims(undefined, { aud: 'https://other-api.attacker.example' })),
        'token for another audience',
      ),
      ch.deliver(`${h}.${p}.${Buffer.from('not the signature').toString('base64url')}`, 'bad signature'),
      ch.deliver(`${h}.${p}.`, 'no signature'),
      ch.deliver('not-a-jwt', 'garbage token'),
    ]);
    refused.push(...answers.filter((a) => a.outcome === 'rejected'));
  }
  return { controls, refused };
}

function inconclusive(controls: Exchange[], refused: Exchange[]): AttackResult | undefined {
  const bad = controls.filter((c) => c.outcome !== 'accepted');
  if (bad.length) {
    return {
      status: 'inconclusive',
      reason: `positive control not accepted (${bad.map((c) => c.why).join('; ')})`,
      controls,
      evidence: [],
    };
  }
  if (!refused.length)
    return {
      status: 'inconclusive',
      reason: 'the target refused none of the invalid tokens',
      controls,
      evidence: [],
    };
  return undefined;
}

export const wwwAuthenticate: Attack = {
  id: 'HTTP-WWW-AUTHENTICATE',
  title: 'Refusals follow RFC 6750: 401 with a Bearer challenge and error="invalid_token"',
  area: 'http',
  severity: 'low',
  expectation:
    'A missing token gets 401 with WWW-Authenticate: Bearer; an invalid one 401 with error="invalid_token".',
  references: [rfc('6750', '3'), rfc('6750', '3.1'), rfc('7235', '3.1')],
  requires: ['mint', 'http'],
  async run(ctx) {
    const { controls, refused } = await refusals(ctx);
    const stop = inconclusive(controls, refused);
    if (stop) return stop;
    const anonymous = await Promise.all(ctx.channels.map((c) => c.deliver(null, 'no token')));
    const problems = [
      ...anonymous.flatMap((e) => failures(e, [status(401), bearerChallenge]).map((f) => `${e.label}: ${f}`)),
      ...refused.flatMap((e) =>
        failures(e, [status(401), bearerChallenge, challengeError('invalid_token')]).map(
          (f) => `${e.label}: ${f}`,
        ),
      ),
    ];
    const evidence = [...anonymous, ...refused];
    if (problems.length)
      return { status: 'fail', reason: [...new Set(problems)].slice(0, 4).join('; '), controls, evidence };
    return {
      status: 'pass',
      reason: `${evidence.length} refusals, each 401 with a Bearer challenge`,
      controls,
      evidence,
    };
  },
};

export const errorLeak: Attack = {
  id: 'HTTP-ERROR-LEAK',
  title: 'Refusals leak why the token failed (or a stack trace)',
  area: 'http',
  severity: 'low',
  expectation:
    'Every refusal has the same generic body: no reason, no stack trace, no token contents (RFC 6750 §5.2, CWE-209).',
  references: [rfc('6750', '5.2'), cwe(209), cwe(203)],
  requires: ['mint', 'http'],
  async run(ctx) {
    const { controls, refused } = await refusals(ctx);
    const stop = inconclusive(controls, refused);
    if (stop) return stop;
    const problems = refused.flatMap((e) => failures(e, [noReasonInBody]).map((f) => `${e.label}: ${f}`));
    const bodies = new Set(refused.map((e) => e.response?.body ?? ''));
    if (bodies.size > 1)
      problems.push(
        `${bodies.size} different refusal bodies for different causes (an oracle for the attacker)`,
      );
    if (problems.length)
      return { status: 'fail', reason: problems.slice(0, 4).join('; '), controls, evidence: refused };
    return {
      status: 'pass',
      reason: `${refused.length} refusals with one generic body`,
      controls,
      evidence: refused,
    };
  },
};

import { cwe, rfc } from '../../src/catalog/references.ts';
import { tokenAttack } from '../../src/catalog/token-attack.ts';

export const bearerInQuery = tokenAttack({
  id: 'HTTP-BEARER-QUERY',
  title: 'A valid token in the query string or a form body instead of the Authorization header',
  area: 'http',
  // an exposure risk (URLs end up in logs and Referer headers), not a forgery: advisory
  severity: 'info',
  expectation:
    'Tokens are accepted from the Authorization header only: URLs end up in logs and Referer headers (RFC 6750 §2.3, RFC 9700 §4.3.2).',
  references: [rfc('6750', '2.3'), rfc('6750', '5.3'), rfc('9700', '4.3.2'), cwe(598)],
  async cases(t) {
    const token = await t.valid();
    return [
      {
        label: 'access_token in the query string',
        token,
        delivery: { authorization: [], query: { access_token: '{token}' } },
      },
      {
        label: 'access_token in a form body',
        token,
        delivery: { authorization: [], form: { access_token: '{token}' } },
      },
    ];
  },
  notApplicable: (ctx) =>
    ctx.policy.allowQueryToken ? 'the policy allows tokens in the query string' : undefined,
});

export const bearerSchemeCase = tokenAttack({
  id: 'HTTP-BEARER-SCHEME-CASE',
  title: "The auth scheme in another letter case ('bearer', 'BEARER') with a valid token",
  area: 'http',
  // refusing is over-strict (valid clients break), nothing is forged: advisory
  severity: 'info',
  expectation:
    'The scheme name is case-insensitive (RFC 7235 §2.1): a valid token after "bearer" or "BEARER" is served.',
  references: [rfc('7235', '2.1'), rfc('6750', '2.1')],
  // a must-accept check: sent as informational cases, judged in `afterwards`
  async cases(t) {
    const token = await t.valid();
    return ['bearer', 'BEARER'].map((scheme) => ({
      label: `${scheme} <valid token>`,
      token,
      delivery: { authorization: [`${scheme} {token}`] },
      informational: true,
    }));
  },
  async afterwards(_ctx, result) {
    if (result.status !== 'pass') return result;
    const sent = result.evidence.filter((e) => e.label.endsWith('<valid token>'));
    const refused = sent.filter((e) => e.outcome === 'rejected');
    if (refused.length) {
      return {
        ...result,
        status: 'fail',
        reason: `a valid token was refused after the scheme ${refused.map((e) => e.label.split(' ')[0]).join(', ')}`,
      };
    }
    if (sent.some((e) => e.outcome === 'error'))
      return { ...result, status: 'inconclusive', reason: 'no clear answer for a scheme spelling' };
    return {
      ...result,
      reason: `a valid token is served after ${sent.map((e) => e.label.split(' ')[0]).join(' and ')}`,
    };
  },
});

export const duplicateAuthorization = tokenAttack({
  id: 'HTTP-BEARER-DUPLICATE-HEADER',
  title: 'Two Authorization headers: a forged token and a valid one, in both orders',
  area: 'http',
  // which credential counts is ambiguous (a proxy may check one, the service use the other); nothing is forged
  // by the target alone: advisory
  severity: 'info',
  expectation:
    'A request with more than one Authorization header is refused (400 invalid_request, RFC 6750 §3.1; RFC 9110 §5.3).',
  references: [rfc('6750', '3.1'), rfc('9110', '5.3'), cwe(436)],
  async cases(t) {
    const token = await t.valid();
    const forged = `${token.split('.').slice(0, 2).join('.')}.${Buffer.from('forged').toString('base64url')}`;
    return [
      {
        label: 'forged, then valid',
        token,
        delivery: { authorization: [`Bearer ${forged}`, 'Bearer {token}'] },
      },
      {
        label: 'valid, then forged',
        token,
        delivery: { authorization: ['Bearer {token}', `Bearer ${forged}`] },
      },
    ];
  },
});

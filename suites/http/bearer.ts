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

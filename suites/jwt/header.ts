import { cwe, rfc } from '../../src/catalog/references.ts';
import { tokenAttack } from '../../src/catalog/token-attack.ts';

export const typConfusion = tokenAttack({
  id: 'JWT-HDR-TYP',
  title: "typ other than the policy's (at+jwt), and an ID token presented as an access token",
  area: 'jwt',
  severity: 'high',
  expectation:
    'Only tokens with the access-token typ are accepted (RFC 9068 §4): an ID token or a plain JWT is refused.',
  references: [rfc('9068', '2.1'), rfc('9068', '4'), rfc('8725', '3.11'), cwe(345)],
  cases(t) {
    const idTokenClaims = {
      ...t.claims(),
      nonce: 'n-0S6_WzA2Mj',
      azp: 'auth-gauntlet',
      auth_time: t.now() - 60,
    };
    return [
      { label: 'typ JWT', token: t.signed(t.claims(), t.header(t.alg, { typ: 'JWT' })) },
      { label: 'no typ', token: t.signed(t.claims(), t.header(t.alg, { typ: undefined })) },
      {
        label: 'typ application/jwt',
        token: t.signed(t.claims(), t.header(t.alg, { typ: 'application/jwt' })),
      },
      {
        label: 'ID token shape (typ JWT, nonce, azp, auth_time)',
        token: t.signed(idTokenClaims, t.header(t.alg, { typ: 'JWT' })),
      },
    ];
  },
  notApplicable: (ctx) => (ctx.policy.typ ? undefined : 'the policy declares no typ'),
});

export const critUnknown = tokenAttack({
  id: 'JWT-HDR-CRIT-UNKNOWN',
  title: 'crit header naming an extension the target cannot understand',
  area: 'jwt',
  severity: 'medium',
  expectation:
    'A token whose crit lists a header parameter the recipient does not understand is refused (RFC 7515 §4.1.11).',
  references: [rfc('7515', '4.1.11'), rfc('8725', '3.1'), cwe(345)],
  cases: (t) => [
    {
      label: "crit ['x-gauntlet-policy'] with the parameter present",
      token: t.signed(
        t.claims(),
        t.header(t.alg, { crit: ['x-gauntlet-policy'], 'x-gauntlet-policy': 'must-understand' }),
      ),
    },
    {
      label: "crit ['x-custom-policy'] without the parameter",
      token: t.signed(t.claims(), t.header(t.alg, { crit: ['x-custom-policy'] })),
    },
  ],
});

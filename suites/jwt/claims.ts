import { cwe, rfc } from '../../src/catalog/references.ts';
import { tokenAttack } from '../../src/catalog/token-attack.ts';

const ATTACKER_ISS = 'https://issuer.attacker.example';
const OTHER_AUD = 'https://other-api.attacker.example';

export const expired = tokenAttack(
  {
    id: 'JWT-CLAIM-EXP-EXPIRED',
    title: 'Expired token (exp beyond the allowed leeway)',
    area: 'jwt',
    severity: 'high',
    expectation: 'A token whose exp lies further in the past than the policy leeway is refused.',
    references: [rfc('7519', '4.1.4'), rfc('9068', '4'), cwe(613)],
  },
  (t) => {
    const past = t.now() - t.policy.maxLeewaySeconds - 120;
    return [
      {
        label: `exp ${t.policy.maxLeewaySeconds + 120} s ago`,
        token: t.signed(t.claims(undefined, { exp: past, iat: past - 300 })),
      },
    ];
  },
);

export const notYetValid = tokenAttack(
  {
    id: 'JWT-CLAIM-NBF-FUTURE',
    title: 'Not yet valid (nbf beyond the allowed leeway)',
    area: 'jwt',
    severity: 'medium',
    expectation: 'A token whose nbf lies further in the future than the policy leeway is refused.',
    references: [rfc('7519', '4.1.5'), cwe(613)],
  },
  (t) => {
    const future = t.now() + t.policy.maxLeewaySeconds + 300;
    return [
      {
        label: `nbf in ${t.policy.maxLeewaySeconds + 300} s`,
        token: t.signed(t.claims(undefined, { nbf: future, exp: future + 600 })),
      },
    ];
  },
);

export const expMissing = tokenAttack(
  {
    id: 'JWT-CLAIM-EXP-MISSING',
    title: 'No exp claim: a token that never expires',
    area: 'jwt',
    severity: 'medium',
    expectation: 'An access token without exp is refused (exp is REQUIRED in RFC 9068 §2.2).',
    references: [rfc('9068', '2.2'), rfc('9068', '4'), cwe(613)],
  },
  (t) => [{ label: 'exp removed', token: t.signed(t.claims(undefined, { exp: undefined })) }],
);

export const issWrong = tokenAttack(
  {
    id: 'JWT-CLAIM-ISS-WRONG',
    title: 'Token from another issuer (iss mismatch), signed by a trusted key',
    area: 'jwt',
    severity: 'high',
    expectation: 'A token whose iss is not exactly the expected issuer is refused.',
    references: [rfc('8725', '3.8'), rfc('9068', '4'), rfc('7519', '4.1.1'), cwe(287)],
  },
  (t) => [{ label: `iss ${ATTACKER_ISS}`, token: t.signed(t.claims(undefined, { iss: ATTACKER_ISS })) }],
);

export const issMissing = tokenAttack(
  {
    id: 'JWT-CLAIM-ISS-MISSING',
    title: 'No iss claim',
    area: 'jwt',
    severity: 'medium',
    expectation: 'An access token without iss is refused (iss is REQUIRED in RFC 9068 §2.2).',
    references: [rfc('9068', '2.2'), rfc('8725', '3.8'), cwe(287)],
  },
  (t) => [{ label: 'iss removed', token: t.signed(t.claims(undefined, { iss: undefined })) }],
);

export const audWrong = tokenAttack(
  {
    id: 'JWT-CLAIM-AUD-WRONG',
    title: 'Token for another audience (aud mismatch), signed by a trusted key',
    area: 'jwt',
    severity: 'high',
    expectation: 'A token whose aud does not contain this resource server is refused.',
    references: [rfc('8725', '3.9'), rfc('9068', '4'), rfc('7519', '4.1.3'), cwe(287)],
  },
  (t) => [
    { label: `aud ${OTHER_AUD}`, token: t.signed(t.claims(undefined, { aud: OTHER_AUD })) },
    { label: `aud [${OTHER_AUD}]`, token: t.signed(t.claims(undefined, { aud: [OTHER_AUD] })) },
  ],
);

export const audMissing = tokenAttack(
  {
    id: 'JWT-CLAIM-AUD-MISSING',
    title: 'No aud claim',
    area: 'jwt',
    severity: 'medium',
    expectation: 'An access token without aud is refused (aud is REQUIRED in RFC 9068 §2.2).',
    references: [rfc('9068', '2.2'), rfc('8725', '3.9'), cwe(287)],
  },
  (t) => [{ label: 'aud removed', token: t.signed(t.claims(undefined, { aud: undefined })) }],
);

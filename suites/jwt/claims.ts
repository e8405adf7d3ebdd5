import { cve, cwe, rfc } from '../../src/catalog/references.ts';
import { tokenAttack } from '../../src/catalog/token-attack.ts';

const ATTACKER_ISS = 'https://issuer.attacker.example';
const OTHER_AUD = 'https://other-api.attacker.example';

export const expired = tokenAttack({
  id: 'JWT-CLAIM-EXP-EXPIRED',
  title: 'Expired token (exp beyond the allowed leeway)',
  area: 'jwt',
  severity: 'high',
  expectation: 'A token whose exp lies further in the past than the policy leeway is refused.',
  references: [rfc('7519', '4.1.4'), rfc('9068', '4'), cwe(613)],
  cases(t) {
    const past = t.now() - t.policy.maxLeewaySeconds - 120;
    return [
      {
        label: `exp ${t.policy.maxLeewaySeconds + 120} s ago`,
        token: t.signed(t.claims(undefined, { exp: past, iat: past - 300 })),
      },
    ];
  },
});

/** Expired by growing amounts: those within the policy leeway may pass (recorded), the others must not. */
const LEEWAY_PROBES = [5, 15, 30, 45, 60, 75, 90, 120, 180, 300, 600, 1800, 3600, 7200, 172800];
const SLACK = 10;

export const leeway = tokenAttack({
  id: 'JWT-CLAIM-EXP-LEEWAY',
  title: "The target's real clock leeway on exp, measured against the policy's maximum",
  area: 'jwt',
  severity: 'medium',
  expectation: 'Tokens expired by more than the policy leeway (plus 10 s for clock skew) are refused.',
  references: [rfc('7519', '4.1.4'), rfc('8725', '3.10'), cwe(613)],
  cases(t) {
    const max = t.policy.maxLeewaySeconds;
    return LEEWAY_PROBES.map((ago) => ({
      label: `exp ${ago} s ago`,
      token: t.signed(t.claims(undefined, { exp: t.now() - ago, iat: t.now() - ago - 300 })),
      informational: ago <= max + SLACK,
    }));
  },
  async afterwards(_ctx, result) {
    const accepted = result.evidence
      .filter((e) => e.outcome === 'accepted')
      .map((e) => Number(/exp (\d+) s/.exec(e.label)?.[1]));
    const refused = result.evidence
      .filter((e) => e.outcome === 'rejected')
      .map((e) => Number(/exp (\d+) s/.exec(e.label)?.[1]));
    const lo = accepted.length ? Math.max(...accepted) : 0;
    const hi = refused.filter((r) => r > lo);
    const measured = `measured leeway: ${lo ? `at least ${lo} s` : 'under 5 s'}${hi.length ? `, under ${Math.min(...hi)} s` : ''}`;
    return { ...result, reason: `${measured}; ${result.reason}` };
  },
});

export const notYetValid = tokenAttack({
  id: 'JWT-CLAIM-NBF-FUTURE',
  title: 'Not yet valid (nbf beyond the allowed leeway)',
  area: 'jwt',
  // a token the issuer itself signed, used before its time: RFC 7519 says refuse it, yet nothing is forged
  severity: 'info',
  expectation: 'A token whose nbf lies further in the future than the policy leeway is refused.',
  references: [rfc('7519', '4.1.5'), cwe(613)],
  cases(t) {
    const future = t.now() + t.policy.maxLeewaySeconds + 300;
    return [
      {
        label: `nbf in ${t.policy.maxLeewaySeconds + 300} s`,
        token: t.signed(t.claims(undefined, { nbf: future, exp: future + 600 })),
      },
    ];
  },
});

export const issuedInFuture = tokenAttack({
  id: 'JWT-CLAIM-IAT-FUTURE',
  title: 'Issued in the future (iat beyond the allowed leeway)',
  area: 'jwt',
  severity: 'low',
  expectation:
    'A token whose iat lies further in the future than the leeway is refused, as the policy claims.',
  references: [rfc('7519', '4.1.6'), rfc('8725', '3.10'), cwe(613)],
  cases(t) {
    const future = t.now() + t.policy.maxLeewaySeconds + 300;
    return [
      {
        label: `iat in ${t.policy.maxLeewaySeconds + 300} s`,
        token: t.signed(t.claims(undefined, { iat: future, exp: future + 600 })),
      },
    ];
  },
  notApplicable: (ctx) =>
    ctx.policy.rejectFutureIat
      ? undefined
      : 'the policy does not claim to refuse a future iat (policy.rejectFutureIat)',
});

export const expMissing = tokenAttack({
  id: 'JWT-CLAIM-EXP-MISSING',
  title: 'No exp claim: a token that never expires',
  area: 'jwt',
  severity: 'medium',
  expectation: 'An access token without exp is refused (exp is REQUIRED in RFC 9068 §2.2).',
  references: [rfc('9068', '2.2'), rfc('9068', '4'), cwe(613)],
  cases: (t) => [{ label: 'exp removed', token: t.signed(t.claims(undefined, { exp: undefined })) }],
});

export const issWrong = tokenAttack({
  id: 'JWT-CLAIM-ISS-WRONG',
  title: 'Token from another issuer (iss mismatch), signed by a trusted key',
  area: 'jwt',
  severity: 'high',
  expectation: 'A token whose iss is not exactly the expected issuer is refused.',
  references: [rfc('8725', '3.8'), rfc('9068', '4'), rfc('7519', '4.1.1'), cwe(287)],
  cases: (t) => [
    { label: `iss ${ATTACKER_ISS}`, token: t.signed(t.claims(undefined, { iss: ATTACKER_ISS })) },
  ],
});

export const issLookalike = tokenAttack({
  id: 'JWT-CLAIM-ISS-LOOKALIKE',
  title: 'iss that differs from the expected issuer only in case, a trailing slash or whitespace',
  area: 'jwt',
  severity: 'medium',
  expectation:
    'iss is compared as an exact, case-sensitive string (RFC 7519 §4.1.1, StringOrURI comparison §2).',
  references: [rfc('7519', '4.1.1'), rfc('7519', '2'), rfc('8725', '3.8'), cwe(287), cwe(178)],
  cases(t) {
    const iss = t.policy.issuer;
    const variants = [
      { label: 'upper case', iss: iss.toUpperCase() },
      {
        label: iss.endsWith('/') ? 'trailing slash removed' : 'trailing slash added',
        iss: iss.endsWith('/') ? iss.slice(0, -1) : `${iss}/`,
      },
      { label: 'trailing space', iss: `${iss} ` },
    ].filter((v) => v.iss !== iss);
    return variants.map((v) => ({
      label: `iss ${JSON.stringify(v.iss)} (${v.label})`,
      token: t.signed(t.claims(undefined, { iss: v.iss })),
    }));
  },
});

export const issMissing = tokenAttack({
  id: 'JWT-CLAIM-ISS-MISSING',
  title: 'No iss claim',
  area: 'jwt',
  severity: 'medium',
  expectation: 'An access token without iss is refused (iss is REQUIRED in RFC 9068 §2.2).',
  references: [rfc('9068', '2.2'), rfc('8725', '3.8'), cwe(287)],
  cases: (t) => [{ label: 'iss removed', token: t.signed(t.claims(undefined, { iss: undefined })) }],
});

export const issArray = tokenAttack({
  id: 'JWT-CLAIM-ISS-ARRAY',
  title: 'iss as an array that contains the expected issuer among others',
  area: 'jwt',
  severity: 'high',
  expectation:
    'iss is a single StringOrURI; an array is refused, even one that contains the expected issuer.',
  references: [rfc('7519', '4.1.1'), rfc('8725', '3.8'), cwe(843), cwe(287), cve('CVE-2025-30144')],
  cases: (t) => [
    {
      label: 'iss [attacker, expected]',
      token: t.signed(t.claims(undefined, { iss: [ATTACKER_ISS, t.policy.issuer] })),
    },
    {
      label: 'iss [expected, attacker]',
      token: t.signed(t.claims(undefined, { iss: [t.policy.issuer, ATTACKER_ISS] })),
    },
  ],
});

export const audWrong = tokenAttack({
  id: 'JWT-CLAIM-AUD-WRONG',
  title: 'Token for another audience (aud mismatch, or an array without ours), signed by a trusted key',
  area: 'jwt',
  severity: 'high',
  expectation: 'A token whose aud does not contain this resource server is refused.',
  references: [rfc('8725', '3.9'), rfc('9068', '4'), rfc('7519', '4.1.3'), cwe(287)],
  cases: (t) => [
    { label: `aud ${OTHER_AUD}`, token: t.signed(t.claims(undefined, { aud: OTHER_AUD })) },
    {
      label: `aud [${OTHER_AUD}, another]`,
      token: t.signed(t.claims(undefined, { aud: [OTHER_AUD, 'https://another.example'] })),
    },
  ],
});

export const audLookalike = tokenAttack({
  id: 'JWT-CLAIM-AUD-LOOKALIKE',
  title: 'aud that is a superstring or substring of ours',
  area: 'jwt',
  severity: 'high',
  expectation:
    'aud values are compared exactly; a value that merely contains ours, or is contained in it, is refused.',
  references: [rfc('7519', '4.1.3'), rfc('8725', '3.9'), cwe(287), cve('CVE-2020-26160')],
  cases(t) {
    const aud = t.policy.audience;
    return [
      {
        label: `aud ${JSON.stringify(`${aud}-evil`)} (superstring)`,
        token: t.signed(t.claims(undefined, { aud: `${aud}-evil` })),
      },
      {
        label: `aud ${JSON.stringify(`evil-${aud}`)} (superstring)`,
        token: t.signed(t.claims(undefined, { aud: `evil-${aud}` })),
      },
      {
        label: `aud ${JSON.stringify(aud.slice(0, -1))} (substring)`,
        token: t.signed(t.claims(undefined, { aud: aud.slice(0, -1) })),
      },
      {
        label: `aud [${JSON.stringify(`${aud}-evil`)}] (superstring in an array)`,
        token: t.signed(t.claims(undefined, { aud: [`${aud}-evil`] })),
      },
    ];
  },
});

export const audMissing = tokenAttack({
  id: 'JWT-CLAIM-AUD-MISSING',
  title: 'No aud claim',
  area: 'jwt',
  severity: 'medium',
  expectation: 'An access token without aud is refused (aud is REQUIRED in RFC 9068 §2.2).',
  references: [rfc('9068', '2.2'), rfc('8725', '3.9'), cwe(287)],
  cases: (t) => [
    { label: 'aud removed', token: t.signed(t.claims(undefined, { aud: undefined })) },
    { label: 'aud [] (an empty list names no audience)', token: t.signed(t.claims(undefined, { aud: [] })) },
  ],
});

export const expType = tokenAttack({
  id: 'JWT-CLAIM-EXP-TYPE',
  title: 'exp that is not a number (a string, an object, null): an expiry the check cannot read',
  area: 'jwt',
  severity: 'medium',
  expectation:
    'exp is a NumericDate (RFC 7519 §2, §4.1.4); any other type is refused, not treated as absent.',
  references: [rfc('7519', '4.1.4'), rfc('7519', '2'), rfc('9068', '2.2'), cwe(843), cwe(613)],
  cases(t) {
    const past = t.now() - 3600;
    return [
      {
        label: `exp as a string "${past}" (an hour ago)`,
        token: t.signed(t.claims(undefined, { exp: String(past) })),
      },
      { label: 'exp as an object', token: t.signed(t.claims(undefined, { exp: { value: past } })) },
      { label: 'exp null', token: t.signed(t.claims(undefined, { exp: null })) },
    ];
  },
});

export const claimTypes = tokenAttack({
  id: 'JWT-CLAIM-TYPES',
  title: 'iss and aud with the wrong JSON type (a number, an object)',
  area: 'jwt',
  severity: 'medium',
  expectation:
    'iss is a string and aud a string or an array of strings (RFC 7519 §4.1); other types are refused, not ignored.',
  references: [rfc('7519', '4.1'), rfc('7519', '2'), cwe(843), cwe(20)],
  cases(t) {
    return [
      { label: 'iss as a number', token: t.signed(t.claims(undefined, { iss: 12345 })) },
      { label: 'aud as a number', token: t.signed(t.claims(undefined, { aud: 12345 })) },
      {
        label: 'aud as an object',
        token: t.signed(t.claims(undefined, { aud: { value: t.policy.audience } })),
      },
    ];
  },
});

export const payloadNotObject = tokenAttack({
  id: 'JWT-PAYLOAD-NOT-OBJECT',
  title: 'Payload that is a JSON array, string or number instead of an object',
  area: 'jwt',
  severity: 'high',
  expectation: 'The JWT claims set is a JSON object (RFC 7519 §7.2 step 10); any other payload is refused.',
  references: [rfc('7519', '7.2'), cwe(843), cwe(20), cve('CVE-2026-107723')],
  cases: (t) => [
    { label: 'payload [claims]', token: t.signed([t.claims()]) },
    { label: 'payload [{sub, admin: true}]', token: t.signed([{ sub: 'attacker', admin: true }]) },
    { label: 'payload "a string"', token: t.signed({ raw: JSON.stringify('gauntlet') }) },
    { label: 'payload 12345', token: t.signed({ raw: '12345' }) },
  ],
});

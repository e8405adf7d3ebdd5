import { oauthOf } from '../../src/catalog/obtained.ts';
import { cwe, rfc } from '../../src/catalog/references.ts';
import type { Attack } from '../../src/catalog/types.ts';

/** Private members by key type (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE: Record<string, string[]> = {
  RSA: ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'],
  EC: ['d'],
  OKP: ['d'],
  oct: ['k'],
};

export const jwksPrivateKeys: Attack = {
  id: 'AS-JWKS-PRIVATE-KEYS',
  title: "Private or symmetric key material in the authorization server's published JWKS",
  area: 'issuer',
  severity: 'critical',
  expectation:
    'The JWKS at jwks_uri holds public keys only: no RSA d/p/q/dp/dq/qi, no EC or OKP d, no symmetric (oct) key; anyone can read it.',
  references: [
    rfc('8414', '2'),
    rfc('7517', '5'),
    rfc('7518', '6.3.2'),
    rfc('8037', '2'),
    cwe(200),
    cwe(321),
  ],
  requires: ['obtain'],
  async run(ctx) {
    const oauth = oauthOf(ctx);
    if (!oauth.spec.jwksUri)
      return {
        status: 'skipped',
        reason: 'the authorization server publishes no jwks_uri (metadata) and the manifest gives none',
        controls: [],
        evidence: [],
      };
    const answer = await oauth.jwks('the authorization server JWKS');
    const keys = answer.json?.keys;
    if (answer.status !== 200 || !Array.isArray(keys) || keys.length === 0)
      return {
        status: 'inconclusive',
        reason: `no usable JWKS at ${oauth.spec.jwksUri} (${answer.exchange.why})`,
        controls: [answer.exchange],
        evidence: [],
      };
    const leaks: string[] = [];
    const shown = keys.map((k: Record<string, unknown>, i) => {
      const members = (PRIVATE[String(k.kty)] ?? []).filter((m) => m in k);
      if (members.length)
        leaks.push(`key ${JSON.stringify(k.kid ?? i)} (${String(k.kty)}): ${members.join(', ')}`);
      // the evidence shows which members are there, never their values
      return Object.fromEntries(
        Object.entries(k).map(([m, v]) => [
          m,
          members.includes(m) ? `<private, ${String(v).length} chars redacted>` : v,
        ]),
      );
    });
    if (answer.exchange.response) answer.exchange.response.body = JSON.stringify({ keys: shown }, null, 1);
    if (leaks.length)
      return {
        status: 'fail',
        reason: `the published JWKS holds private key material: ${leaks.join('; ')}. Anyone can sign tokens with it: rotate those keys`,
        controls: [],
        evidence: [answer.exchange],
      };
    return {
      status: 'pass',
      reason: `${keys.length} key(s) published, public members only`,
      controls: [answer.exchange],
      evidence: [],
    };
  },
};

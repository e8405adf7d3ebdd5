import type { TokenFactory } from '../../fixtures/forge/factory.ts';
import { keyForAlg } from '../../fixtures/forge/factory.ts';
import { certificateKey, jwkJsonForms, type KeyForm, pemLikeForms } from '../../fixtures/forge/key-forms.ts';
import { forge } from '../../fixtures/forge/token.ts';
import type { IssuerKey } from '../../fixtures/issuer/keys.ts';
import { cve, cwe, rfc } from '../../src/catalog/references.ts';
import { tokenAttack } from '../../src/catalog/token-attack.ts';
import type { TokenCase } from '../../src/catalog/types.ts';

const NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE'];
const HMAC_ALGS = ['HS256', 'HS384', 'HS512'];
const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'EdDSA'];

export const algNone = tokenAttack({
  id: 'JWT-ALG-NONE',
  title: "Unsecured token: alg 'none' in every letter case, with and without a signature",
  area: 'jwt',
  severity: 'critical',
  expectation:
    "Tokens with alg 'none' (any case) are refused: the alg allow-list comes from configuration, never from the token.",
  references: [
    rfc('8725', '2.1'),
    rfc('8725', '3.1'),
    rfc('7518', '3.6'),
    cwe(347),
    cwe(327),
    cve('CVE-2015-9235'),
    cve('CVE-2022-23540'),
  ],
  async cases(t) {
    const realSignature = (await t.valid()).split('.')[2]!;
    return [
      {
        label: "header only {alg: 'none'}, empty signature",
        token: forge({ header: { alg: 'none' }, payload: t.claims() }),
      },
      ...NONE_SPELLINGS.flatMap((alg) => [
        {
          label: `alg ${alg}, empty signature`,
          token: forge({ header: t.header(alg, { kid: undefined }), payload: t.claims() }),
        },
        {
          label: `alg ${alg}, a signature kept`,
          token: forge({ header: t.header(alg), payload: t.claims(), signature: { literal: realSignature } }),
        },
      ]),
    ];
  },
});

/** HMAC tokens keyed with each form of each trusted public key, for each HS alg. */
function hmacWith(t: TokenFactory, key: IssuerKey, forms: KeyForm[], source: string): TokenCase[] {
  return forms.flatMap((form) =>
    HMAC_ALGS.map((alg) => ({
      label: `${alg}, secret = ${source} ${key.alg} key as ${form.label}`,
      token: forge({
        header: t.header(alg, { kid: key.kid }),
        payload: t.claims(),
        sign: { alg, key: form.secret },
      }),
    })),
  );
}

export const hmacPublicKeyPem = tokenAttack({
  id: 'JWT-ALG-HMAC-PUBKEY-PEM',
  title:
    'Algorithm confusion: HMAC keyed with the public key as PEM, DER, certificate, raw bytes or OpenSSH text',
  area: 'jwt',
  severity: 'critical',
  expectation:
    'HS* tokens keyed with any published public key material are refused: the key type decides the algorithm.',
  references: [
    rfc('8725', '2.1'),
    rfc('8725', '3.1'),
    cwe(327),
    cwe(347),
    cve('CVE-2015-9235'),
    cve('CVE-2016-10555'),
    cve('CVE-2022-23541'),
    cve('CVE-2023-48223'),
  ],
  cases: (t) =>
    t.trusted.keys.flatMap((key) =>
      hmacWith(
        t,
        key,
        pemLikeForms(
          key.publicKey,
          (key.publicJwk.x5c ?? []).map((c) => Buffer.from(c, 'base64')),
        ),
        'JWKS',
      ),
    ),
  // the TLS certificate the target serves is public key material too
  async targetCases(t, ctx) {
    const certs = await ctx.tlsCertificates();
    return certs.flatMap((pem) => {
      const { key, der } = certificateKey(pem);
      const forms = [...pemLikeForms(key, [der])].filter(
        (f) => f.label.startsWith('certificate') || f.label.startsWith('SPKI'),
      );
      return forms.flatMap((form) =>
        HMAC_ALGS.map((alg) => ({
          label: `${alg}, secret = TLS server certificate key as ${form.label}`,
          token: forge({ header: t.header(alg), payload: t.claims(), sign: { alg, key: form.secret } }),
        })),
      );
    });
  },
});

export const hmacPublicKeyJwk = tokenAttack({
  id: 'JWT-ALG-HMAC-PUBKEY-JWK',
  title: 'Algorithm confusion: HMAC keyed with the JWK (JSON text) of a published key',
  area: 'jwt',
  severity: 'critical',
  expectation: 'HS* tokens keyed with the JSON text of a published JWK are refused.',
  references: [rfc('8725', '2.1'), rfc('8725', '3.1'), cwe(327), cwe(347)],
  cases: (t) =>
    t.trusted.keys.flatMap((key) =>
      hmacWith(t, key, jwkJsonForms(key.publicJwk as Record<string, unknown>), 'JWKS'),
    ),
});

export const hmacEmptyKey = tokenAttack({
  id: 'JWT-ALG-HMAC-EMPTY-KEY',
  title: 'HMAC with an empty secret (known, unknown and no kid)',
  area: 'jwt',
  severity: 'critical',
  expectation: 'HS* tokens signed with an empty secret are refused, whatever the kid.',
  references: [rfc('7518', '3.2'), rfc('8725', '3.5'), cwe(347), cwe(521), cve('CVE-2025-65945')],
  cases: (t) =>
    HMAC_ALGS.flatMap((alg) => [
      {
        label: `${alg}, empty secret, kid of the trusted key`,
        token: forge({ header: t.header(alg), payload: t.claims(), sign: { alg, key: '' } }),
      },
      {
        label: `${alg}, empty secret, unknown kid`,
        token: forge({
          header: t.header(alg, { kid: 'gauntlet-no-such-key' }),
          payload: t.claims(),
          sign: { alg, key: '' },
        }),
      },
      {
        label: `${alg}, empty secret, no kid`,
        token: forge({
          header: t.header(alg, { kid: undefined }),
          payload: t.claims(),
          sign: { alg, key: '' },
        }),
      },
    ]),
});

export const crossFamily = tokenAttack({
  id: 'JWT-ALG-CROSS-FAMILY',
  title: "RSA, EC and EdDSA algorithms crossed with another family's kid",
  area: 'jwt',
  severity: 'high',
  expectation:
    "A token whose alg does not fit the key its kid names is refused (an attacker's key of the header's type must not verify).",
  references: [rfc('8725', '3.1'), rfc('7515', '4.1.1'), cwe(347)],
  cases: (t) =>
    t.trusted.keys.flatMap((key) =>
      ['RS256', 'ES256', 'EdDSA']
        .filter((alg) => keyForAlg(t.trusted, alg) !== key && keyForAlg(t.attacker, alg))
        .map((alg) => ({
          label: `${alg} signed by an attacker key, kid of the ${key.alg} key`,
          token: t.byAttacker(alg, { kid: key.kid }),
        })),
    ),
});

export const algOutsidePolicy = tokenAttack({
  id: 'JWT-ALG-OUTSIDE-POLICY',
  title: 'An algorithm outside the policy, signed with a key the target trusts',
  area: 'jwt',
  // signed by the trusted issuer key itself: no forgery, a deviation from the declared policy
  severity: 'info',
  expectation:
    'Only the algorithms of the policy are accepted, even with a valid signature by a trusted key.',
  references: [rfc('8725', '3.1'), rfc('9068', '4'), cwe(327), cwe(757)],
  cases: (t) =>
    ASYMMETRIC.filter((alg) => !t.policy.algorithms.includes(alg as never) && keyForAlg(t.trusted, alg))
      .filter((alg) => alg !== 'ES256' && alg !== 'EdDSA')
      .map((alg) => ({
        label: `${alg} signed by the trusted ${keyForAlg(t.trusted, alg)!.alg} key`,
        token: t.signed(t.claims(), t.header(alg), alg),
      })),
  notApplicable: (ctx) =>
    ASYMMETRIC.some(
      (a) =>
        !ctx.policy.algorithms.includes(a as never) &&
        keyForAlg(ctx.tokens.trusted, a) &&
        a.match(/^(RS|PS)/),
    )
      ? undefined
      : 'the policy allows every algorithm the harness keys can sign',
});

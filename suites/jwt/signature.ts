import { fromB64url } from '../../fixtures/forge/b64url.ts';
import { keyForAlg } from '../../fixtures/forge/factory.ts';
import { forge } from '../../fixtures/forge/token.ts';
import { cve, cwe, rfc } from '../../src/catalog/references.ts';
import { tokenAttack } from '../../src/catalog/token-attack.ts';

const withSignature = (token: string, sig: string) => `${token.split('.').slice(0, 2).join('.')}.${sig}`;

/** ASN.1 DER of an ECDSA signature from JWS raw r||s. */
function rawToDer(raw: Buffer): Buffer {
  const int = (b: Buffer) => {
    let v = b;
    while (v.length > 1 && v[0] === 0 && (v[1]! & 0x80) === 0) v = v.subarray(1);
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([2, v.length]), v]);
  };
  const half = raw.length / 2;
  const body = Buffer.concat([int(raw.subarray(0, half)), int(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

export const signatureStripped = tokenAttack({
  id: 'JWT-SIG-STRIPPED',
  title: 'Signature stripped from a valid token (trusted, unknown and no kid)',
  area: 'jwt',
  severity: 'critical',
  expectation: 'A token whose signature is empty or missing is refused.',
  references: [rfc('7515', '5.2'), rfc('8725', '3.1'), cwe(347), cve('CVE-2026-107720')],
  async cases(t) {
    const [h, p] = (await t.valid()).split('.');
    const unsigned = (header: Record<string, unknown>) => forge({ header, payload: t.claims() });
    return [
      { label: 'empty signature (header.payload.)', token: `${h}.${p}.` },
      {
        label: `${t.alg}, unknown kid, empty signature`,
        token: unsigned(t.header(t.alg, { kid: 'gauntlet-no-such-key' })),
      },
      { label: `${t.alg}, no kid, empty signature`, token: unsigned(t.header(t.alg, { kid: undefined })) },
    ];
  },
});

export const signatureMangled = tokenAttack({
  id: 'JWT-SIG-MANGLED',
  title: 'Signature truncated, bit-flipped, or taken from another token',
  area: 'jwt',
  severity: 'critical',
  expectation: 'Any change to the signature bytes makes the token invalid.',
  references: [rfc('7515', '5.2'), cwe(347)],
  async cases(t) {
    const token = await t.valid();
    const sig = fromB64url(token.split('.')[2]!);
    const flipped = Buffer.from(sig);
    flipped[flipped.length >> 1]! ^= 0x01;
    const other = (await t.valid({ scope: 'other' })).split('.')[2]!;
    return [
      { label: 'truncated by 4 characters', token: token.slice(0, -4) },
      {
        label: 'truncated to half',
        token: withSignature(token, sig.subarray(0, sig.length >> 1).toString('base64url')),
      },
      { label: 'one bit flipped', token: withSignature(token, flipped.toString('base64url')) },
      {
        label: 'all-zero signature of the right length',
        token: withSignature(token, Buffer.alloc(sig.length).toString('base64url')),
      },
      { label: 'signature of another valid token', token: withSignature(token, other) },
    ];
  },
});

export const signatureJunkChars = tokenAttack({
  id: 'JWT-SIG-JUNK-CHARS',
  title: 'Characters outside base64url inserted into a valid signature',
  area: 'jwt',
  severity: 'medium',
  expectation:
    'A signature segment that is not strict base64url (RFC 7515 §2) is refused, even if lenient decoding would verify.',
  references: [rfc('7515', '2'), rfc('7515', '7.1'), cwe(347), cwe(20), cve('CVE-2022-25898')],
  async cases(t) {
    const token = await t.valid();
    const sig = token.split('.')[2]!;
    const mid = sig.length >> 1;
    return [
      {
        label: "'!@$%' inserted in the middle",
        token: withSignature(token, `${sig.slice(0, mid)}!@$%${sig.slice(mid)}`),
      },
      { label: 'a space inserted', token: withSignature(token, `${sig.slice(0, mid)} ${sig.slice(mid)}`) },
    ];
  },
});

export const signatureUnknownKey = tokenAttack({
  id: 'JWT-SIG-UNKNOWN-KEY',
  title: "Signed by a key the issuer never had, with the issuer key's kid",
  area: 'jwt',
  severity: 'critical',
  expectation: 'A signature made with any key other than the trusted one for that kid is refused.',
  references: [rfc('7515', '5.2'), rfc('8725', '3.1'), cwe(347)],
  cases: (t) =>
    t.policy.algorithms
      .filter((alg) => keyForAlg(t.attacker, alg) && keyForAlg(t.trusted, alg))
      .map((alg) => ({
        label: `${alg} signed by an attacker key, trusted kid`,
        token: t.byAttacker(alg),
      })),
});

export const payloadTampered = tokenAttack({
  id: 'JWT-SIG-TAMPERED',
  title: 'Payload changed after signing, signature kept',
  area: 'jwt',
  severity: 'critical',
  expectation: 'A token whose payload no longer matches its signature is refused.',
  references: [rfc('7515', '5.2'), cwe(345), cwe(347)],
  async cases(t) {
    const [h, , s] = (await t.valid()).split('.');
    const claims = { ...t.claims(), sub: 'admin', scope: 'admin orders:read orders:write' };
    return [
      {
        label: 'sub and scope changed, signature of the original',
        token: forge({ header: { raw: fromB64url(h!) }, payload: claims, signature: { literal: s! } }),
      },
    ];
  },
});

export const ecdsaPsychic = tokenAttack({
  id: 'JWT-SIG-ECDSA-PSYCHIC',
  title: 'ECDSA "psychic signature": r = s = 0',
  area: 'jwt',
  severity: 'critical',
  expectation:
    'An ECDSA signature with r = 0 or s = 0 is invalid (FIPS 186-4 §6.4) and refused, raw or DER encoded.',
  references: [rfc('7518', '3.4'), cwe(347), cve('CVE-2022-21449')],
  cases(t) {
    const zeroDer = Buffer.from([0x30, 0x06, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00]);
    return [
      {
        label: 'ES256, r = s = 0 (64 zero bytes)',
        token: forge({ header: t.header('ES256'), payload: t.claims(), signature: Buffer.alloc(64) }),
      },
      {
        label: 'ES256, r = s = 0 DER encoded',
        token: forge({ header: t.header('ES256'), payload: t.claims(), signature: zeroDer }),
      },
    ];
  },
  notApplicable: (ctx) =>
    keyForAlg(ctx.tokens.trusted, 'ES256') ? undefined : 'the harness holds no EC key the target trusts',
});

export const ecdsaDer = tokenAttack({
  id: 'JWT-SIG-ECDSA-DER',
  title: 'ECDSA signature in ASN.1 DER instead of the JWS raw r||s encoding',
  area: 'jwt',
  severity: 'low',
  expectation:
    'An ES256 signature must be the 64-byte r||s concatenation (RFC 7518 §3.4); a DER signature is refused.',
  references: [rfc('7518', '3.4'), cwe(347)],
  cases(t) {
    const token = t.signed(t.claims(), t.header('ES256'), 'ES256');
    return [
      {
        label: 'ES256 by the trusted key, DER encoded',
        token: withSignature(token, rawToDer(fromB64url(token.split('.')[2]!)).toString('base64url')),
      },
    ];
  },
  notApplicable: (ctx) =>
    ctx.policy.algorithms.includes('ES256') && keyForAlg(ctx.tokens.trusted, 'ES256')
      ? undefined
      : 'the policy does not allow ES256',
});

import { createPublicKey, verify } from 'node:crypto';
import { compactVerify, createLocalJWKSet, jwtVerify } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { TokenFactory } from '../fixtures/forge/factory.ts';
import { forge } from '../fixtures/forge/token.ts';
import { generateKeySet, type KeySet, publicJwks } from '../fixtures/issuer/keys.ts';
import { testPolicy } from './support/fixtures.ts';

let trusted: KeySet;
let attacker: KeySet;
let t: TokenFactory;
const policy = testPolicy({ audience: 'api', rejectFutureIat: false });

beforeAll(async () => {
  [trusted, attacker] = await Promise.all([generateKeySet('t'), generateKeySet('a')]);
  t = new TokenFactory({ policy, trusted, attacker });
});

describe('forge', () => {
  test('valid tokens pass a real verifier (jose) with the published JWKS, for every alg', async () => {
    const jwks = createLocalJWKSet(publicJwks(trusted) as never);
    for (const alg of ['RS256', 'ES256', 'EdDSA']) {
      const { payload, protectedHeader } = await jwtVerify(await t.valid({ alg }), jwks, {
        issuer: policy.issuer,
        audience: policy.audience,
        typ: 'at+jwt',
        algorithms: [alg],
      });
      expect(protectedHeader.alg).toBe(alg);
      expect(payload.exp! - payload.iat!).toBe(300);
    }
  });

  test('forged signatures by the trusted key verify (RS, PS, ES raw r||s, EdDSA)', async () => {
    for (const alg of ['RS256', 'RS512', 'PS256', 'ES256', 'EdDSA']) {
      const token = t.signed({ sub: 'x' }, t.header(alg), alg);
      await expect(compactVerify(token, t.key(alg).publicKey, { algorithms: [alg] })).resolves.toBeTruthy();
    }
  });

  test('attacker-signed tokens do not verify against the trusted keys', async () => {
    const jwks = createLocalJWKSet(publicJwks(trusted) as never);
    const rsa = attacker.keys.find((k) => k.alg === 'RS256')!;
    const token = forge({
      header: t.header('RS256'),
      payload: t.claims(),
      sign: { alg: 'RS256', key: rsa.privateKey },
    });
    await expect(compactVerify(token, jwks)).rejects.toThrow();
  });

  test('HMAC with arbitrary key material, raw segments and literal signatures', () => {
    const token = forge({
      header: { alg: 'HS256' },
      payload: { raw: '[1,2]' },
      sign: { alg: 'HS256', key: '' },
    });
    const [h, p, s] = token.split('.');
    expect(Buffer.from(p!, 'base64url').toString()).toBe('[1,2]');
    expect(JSON.parse(Buffer.from(h!, 'base64url').toString())).toEqual({ alg: 'HS256' });
    expect(s).toHaveLength(43);
    expect(
      forge({ header: { alg: 'none' }, payload: {}, signature: { literal: 'x!y' } }).endsWith('.x!y'),
    ).toBe(true);
    expect(forge({ header: { alg: 'none' }, payload: {} }).endsWith('.')).toBe(true);
  });

  test('the RSA key publishes an x5c certificate for the same public key', () => {
    const rsa = trusted.keys.find((k) => k.alg === 'RS256')!;
    const cert = `-----BEGIN CERTIFICATE-----\n${rsa.publicJwk.x5c![0]}\n-----END CERTIFICATE-----`;
    const fromCert = createPublicKey(cert).export({ format: 'jwk' });
    expect(fromCert.n).toBe(rsa.publicJwk.n);
    expect(rsa.publicJwk).toMatchObject({ use: 'sig', alg: 'RS256', kid: rsa.kid });
    expect(JSON.stringify(publicJwks(trusted))).not.toMatch(/"d"|"p"|"q"/);
  });

  test('ECDSA signatures are 64 raw bytes, not DER', () => {
    const ec = trusted.keys.find((k) => k.alg === 'ES256')!;
    const token = t.signed({ a: 1 }, t.header('ES256'), 'ES256');
    const [h, p, s] = token.split('.');
    const sig = Buffer.from(s!, 'base64url');
    expect(sig).toHaveLength(64);
    expect(
      verify('sha256', Buffer.from(`${h}.${p}`), { key: ec.publicKey, dsaEncoding: 'ieee-p1363' }, sig),
    ).toBe(true);
  });

  test('claims for a policy: RFC 9068 claims, overrides, removals', () => {
    const c = t.claims('orders:read', { aud: undefined, exp: 5 });
    expect(c).toMatchObject({ iss: policy.issuer, scope: 'orders:read', exp: 5, client_id: 'auth-gauntlet' });
    expect(c).not.toHaveProperty('aud');
    expect(t.header('ES256')).toEqual({ alg: 'ES256', kid: trusted.keys[1]!.kid, typ: 'at+jwt' });
  });
});

import { randomBytes } from 'node:crypto';
import { keyForAlg } from '../../fixtures/forge/factory.ts';
import { forge } from '../../fixtures/forge/token.ts';
import { cve, cwe, rfc } from '../../src/catalog/references.ts';
import { tokenAttack } from '../../src/catalog/token-attack.ts';

export const signatureStripped = tokenAttack(
  {
    id: 'JWT-SIG-STRIPPED',
    title: 'Signature stripped from a valid token',
    area: 'jwt',
    severity: 'critical',
    expectation: 'A token whose signature is empty or missing is refused.',
    references: [rfc('7515', '5.2'), rfc('8725', '3.1'), cwe(347), cve('CVE-2026-107720')],
  },
  async (t) => {
    const [h, p] = (await t.valid()).split('.');
    return [
      { label: 'empty signature (header.payload.)', token: `${h}.${p}.` },
      { label: 'no signature segment (header.payload)', token: `${h}.${p}` },
    ];
  },
);

export const signatureUnknownKey = tokenAttack(
  {
    id: 'JWT-SIG-UNKNOWN-KEY',
    title: "Signed by a key the issuer never had, with the issuer key's kid",
    area: 'jwt',
    severity: 'critical',
    expectation: 'A signature made with any key other than the trusted one for that kid is refused.',
    references: [rfc('7515', '5.2'), rfc('8725', '3.1'), cwe(347)],
  },
  (t) =>
    t.policy.algorithms
      .filter((alg) => keyForAlg(t.attacker, alg) && keyForAlg(t.trusted, alg))
      .map((alg) => ({
        label: `${alg} signed by an attacker key, trusted kid`,
        token: forge({
          header: t.header(alg),
          payload: t.claims(),
          sign: { alg, key: keyForAlg(t.attacker, alg)!.privateKey },
        }),
      })),
);

export const payloadTampered = tokenAttack(
  {
    id: 'JWT-SIG-TAMPERED',
    title: 'Payload changed after signing, signature kept',
    area: 'jwt',
    severity: 'critical',
    expectation: 'A token whose payload no longer matches its signature is refused.',
    references: [rfc('7515', '5.2'), cwe(345), cwe(347)],
  },
  async (t) => {
    const [h, , s] = (await t.valid()).split('.');
    const claims = { ...t.claims(), sub: 'admin', scope: 'admin orders:read orders:write' };
    return [
      {
        label: 'sub and scope changed, signature of the original',
        token: forge({
          header: { raw: Buffer.from(h!, 'base64url') },
          payload: claims,
          signature: { literal: s! },
        }),
      },
    ];
  },
);

export const kidUnknown = tokenAttack(
  {
    id: 'JWT-KID-UNKNOWN',
    title: 'Unknown kid, signed by an attacker key',
    area: 'jwt',
    severity: 'critical',
    expectation:
      'A kid that is not in the trusted key set is refused (after at most one bounded JWKS refresh).',
    references: [rfc('7515', '4.1.4'), rfc('8725', '3.10'), cwe(347)],
  },
  (t) => {
    const alg = t.alg;
    const kid = `gauntlet-unknown-${randomBytes(4).toString('hex')}`;
    return [
      {
        label: `${alg}, kid ${kid} not in the JWKS`,
        token: forge({
          header: t.header(alg, { kid }),
          payload: t.claims(),
          sign: { alg, key: keyForAlg(t.attacker, alg)!.privateKey },
        }),
      },
    ];
  },
);

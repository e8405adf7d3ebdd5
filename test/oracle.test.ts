import fc from 'fast-check';
import type { JSONWebKeySet } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { keyForAlg, TokenFactory } from '../fixtures/forge/factory.ts';
import { forge } from '../fixtures/forge/token.ts';
import { generateKeySet, type KeySet, publicJwks } from '../fixtures/issuer/keys.ts';
import { createOracle, duplicateMember, type Oracle } from '../src/oracle/oracle.ts';
import { buildToken, type Recipe, recipeArb } from '../suites/fuzz/arbitraries.ts';
import { testPolicy } from './support/fixtures.ts';

const policy = testPolicy();

let trusted: KeySet;
let attacker: KeySet;
let t: TokenFactory;
let oracle: Oracle;
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  [trusted, attacker] = await Promise.all([generateKeySet('trusted'), generateKeySet('attacker')]);
  t = new TokenFactory({ policy, trusted, attacker });
  oracle = createOracle(policy, publicJwks(trusted) as JSONWebKeySet);
});

describe('oracle: what a correct resource server must do', () => {
  test.each(['RS256', 'ES256', 'EdDSA'])(
    'accepts a valid %s token from TokenFactory.valid()',
    async (alg) => {
      const answer = await oracle.judge(await t.valid({ alg }));
      expect(answer.accept, answer.reason).toBe(true);
    },
  );

  test('a valid token issued a little while ago is accepted with certainty (nothing left open)', async () => {
    const answer = await oracle.judge(t.signed(t.claims(undefined, { iat: now() - 30 })));
    expect(answer).toMatchObject({ accept: true });
    expect(answer.open).toBeUndefined();
  });

  const rejected: [string, () => string | Promise<string>, RegExp][] = [
    [
      'alg none, no signature',
      () => forge({ header: t.header('none', { kid: undefined }), payload: t.claims() }),
      /ALG_NOT_ALLOWED|JWS_INVALID/,
    ],
    [
      'alg none, signature kept',
      async () => {
        const sig = (await t.valid()).split('.')[2]!;
        return forge({ header: t.header('none'), payload: t.claims(), signature: { literal: sig } });
      },
      /ALG_NOT_ALLOWED/,
    ],
    [
      'expired beyond the leeway',
      () => t.signed(t.claims(undefined, { exp: now() - 60 - 120, iat: now() - 900 })),
      /EXPIRED/,
    ],
    [
      'another issuer',
      () => t.signed(t.claims(undefined, { iss: 'https://issuer.attacker.example' })),
      /"iss"/,
    ],
    ['another audience', () => t.signed(t.claims(undefined, { aud: 'https://other.example' })), /"aud"/],
    [
      'iss as an array holding the right issuer',
      () => t.signed(t.claims(undefined, { iss: [policy.issuer] })),
      /iss/,
    ],
    ['no exp', () => t.signed(t.claims(undefined, { exp: undefined })), /missing required "exp"/],
    ['typ JWT (an ID token)', () => t.signed(t.claims(), t.header(t.alg, { typ: 'JWT' })), /"typ"/],
    [
      'signed by an attacker key with the trusted kid',
      () =>
        forge({
          header: t.header('RS256'),
          payload: t.claims(),
          sign: { alg: 'RS256', key: keyForAlg(attacker, 'RS256')!.privateKey },
        }),
      /SIGNATURE_VERIFICATION_FAILED/,
    ],
    [
      'HS256 keyed with the trusted public key (alg confusion)',
      () =>
        forge({
          header: t.header('HS256'),
          payload: t.claims(),
          sign: {
            alg: 'HS256',
            key: t.key('RS256').publicKey.export({ type: 'spki', format: 'pem' }) as string,
          },
        }),
      /ALG_NOT_ALLOWED/,
    ],
    [
      'an unknown critical extension',
      () => t.signed(t.claims(), t.header(t.alg, { crit: ['x-ext'], 'x-ext': 1 })),
      /not recognized/,
    ],
    [
      'iat beyond the leeway in the future',
      () => t.signed(t.claims(undefined, { iat: now() + 600 })),
      /iat .* future/,
    ],
    ['not an object payload', () => t.signed(['x']), /top-level JSON object/],
  ];
  test.each(rejected)('rejects: %s', async (_, make, why) => {
    const answer = await oracle.judge(await make());
    expect(answer.accept).toBe(false);
    expect(answer.reason).toMatch(why);
    expect(answer.open).toBeUndefined();
  });

  test('rejects what jose would let through: padding and white space (RFC 7515 §2)', async () => {
    const valid = t.signed(t.claims(undefined, { iat: now() - 30 }));
    const [h, p, s] = valid.split('.');
    // '=' is only legal where the encoding needs it; a signature whose length is ≡ 2 mod 4 takes '=='
    for (const token of [
      `${valid}==`,
      `${h}.${p}.${s!.slice(0, 10)} ${s!.slice(10)}`,
      `${h}.${p}`,
      `${valid}.${s}`,
    ])
      expect((await oracle.judge(token)).accept, token.slice(-20)).toBe(false);
  });

  test('leaves open what the standards leave to the RS, and says why', async () => {
    // exp 30 s ago: inside the 60 s leeway, so an RS with a smaller leeway may refuse it
    const inBand = await oracle.judge(t.signed(t.claims(undefined, { exp: now() - 30, iat: now() - 600 })));
    expect(inBand).toMatchObject({ accept: true, open: expect.stringMatching(/exp .* leeway band/) });
    // no kid, several trusted keys: jose picks by key type, an RS may insist on a kid
    const noKid = await oracle.judge(
      t.signed(t.claims(undefined, { iat: now() - 30 }), t.header(t.alg, { kid: undefined })),
    );
    expect(noKid).toMatchObject({ accept: true, open: expect.stringMatching(/no kid/) });
    // a kid that names no trusted key, but the trusted key signed it: kid is only a hint
    const wrongKid = await oracle.judge(
      t.signed(t.claims(undefined, { iat: now() - 30 }), t.header(t.alg, { kid: 'nope' })),
    );
    expect(wrongKid).toMatchObject({ accept: false, open: expect.stringMatching(/kid is a hint/) });
    // …while an unknown kid on an attacker's signature is a certain rejection
    const attackerKid = forge({
      header: t.header('RS256', { kid: 'nope' }),
      payload: t.claims(),
      sign: { alg: 'RS256', key: keyForAlg(attacker, 'RS256')!.privateKey },
    });
    expect(await oracle.judge(attackerKid)).toEqual({
      accept: false,
      reason: expect.stringMatching(/NO_MATCHING_KEY/),
    });
  });

  test('duplicate claims: the last one counts (RFC 7519 §4), and an RS may also refuse them', async () => {
    const members = (c: Record<string, unknown>) => JSON.stringify(c).slice(1, -1);
    const claims = t.claims(undefined, { iat: now() - 30 });
    const wrongLast = `{${members(claims)},"aud":"https://other.example"}`;
    const wrongFirst = `{"aud":"https://other.example",${members(claims)}}`;
    expect(await oracle.judge(t.signed({ raw: wrongLast }))).toMatchObject({
      accept: false,
      reason: expect.stringMatching(/"aud"/),
    });
    expect((await oracle.judge(t.signed({ raw: wrongLast }))).open).toBeUndefined();
    expect(await oracle.judge(t.signed({ raw: wrongFirst }))).toMatchObject({
      accept: true,
      open: expect.stringMatching(/duplicate payload member "aud"/),
    });
    expect(duplicateMember('{"a":{"b":1,"b":2}}')).toBe('b');
    expect(duplicateMember('[{"a":1},{"a":1}]')).toBeUndefined();
  });

  test('a future iat is refused only when the policy claims it; otherwise the RS may answer either way', async () => {
    const token = t.signed(t.claims(undefined, { iat: now() + 600 }));
    expect(await oracle.judge(token)).toMatchObject({ accept: false });
    const lax = createOracle({ ...policy, rejectFutureIat: false }, publicJwks(trusted) as JSONWebKeySet);
    expect(await lax.judge(token)).toMatchObject({
      accept: true,
      open: expect.stringMatching(/does not claim/),
    });
  });

  test('a non-canonical last base64url character (non-zero padding bits) is left open', async () => {
    // EdDSA: a 64-byte signature is 86 characters, the last one carrying 4 padding bits
    const valid = t.signed(t.claims(undefined, { iat: now() - 30 }), t.header('EdDSA'), 'EdDSA');
    const s = valid.split('.')[2]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const last = alphabet[alphabet.indexOf(s.at(-1)!) ^ 1]!;
    const answer = await oracle.judge(valid.slice(0, -1) + last);
    expect(answer).toMatchObject({ open: expect.stringMatching(/non-canonical/) });
  });
});

describe('recipes', () => {
  test('recipe → token is deterministic for a given recipe and clock (byte for byte without ECDSA, PSS)', async () => {
    const noEcdsa = (s: KeySet) => ({ keys: s.keys.filter((k) => k.alg !== 'ES256') });
    const fixed = new TokenFactory({
      policy: { ...policy, algorithms: ['RS256', 'EdDSA'] },
      trusted: noEcdsa(trusted),
      attacker: noEcdsa(attacker),
      clock: () => 1_800_000_000,
    });
    fc.assert(
      fc.property(recipeArb, (r) => {
        fc.pre(!JSON.stringify(r).includes('"PS')); // RSASSA-PSS signatures are salted, like ECDSA's
        expect(buildToken(r, fixed)).toBe(buildToken(structuredClone(r), fixed));
      }),
      { seed: 1, numRuns: 300 },
    );
  });

  test('ECDSA and PSS signatures differ, but the oracle answers the same for every rebuild of a recipe', async () => {
    const recipes = fc.sample(recipeArb, { seed: 2, numRuns: 150 });
    for (const r of recipes) {
      const [a, b] = await Promise.all([oracle.judge(buildToken(r, t)), oracle.judge(buildToken(r, t))]);
      expect({ accept: b.accept, open: !!b.open }, JSON.stringify(r)).toEqual({
        accept: a.accept,
        open: !!a.open,
      });
    }
  });

  test('most recipes sit at the accept/reject boundary: valid or one change away', async () => {
    const recipes: Recipe[] = fc.sample(recipeArb, { seed: 3, numRuns: 400 });
    const answers = await Promise.all(recipes.map((r) => oracle.judge(buildToken(r, t))));
    const atMostOne = recipes.filter((r) => r.changes.length <= 1).length / recipes.length;
    const valid = answers.filter((a) => a.accept && !a.open).length / answers.length;
    expect(atMostOne).toBeGreaterThan(0.7);
    expect(valid).toBeGreaterThan(0.15);
    expect(answers.filter((a) => a.open).length / answers.length).toBeLessThan(0.1);
  });

  test('generated times stay clear of every leeway band: no recipe is left open for its times', async () => {
    const recipes = fc.sample(recipeArb, { seed: 4, numRuns: 400 });
    for (const r of recipes) {
      const answer = await oracle.judge(buildToken(r, t));
      expect(answer.open ?? '', JSON.stringify(r)).not.toMatch(/leeway band/);
    }
  });
});

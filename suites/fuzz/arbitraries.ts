import { createHash, sign as nodeSign } from 'node:crypto';
import fc, { type JsonValue } from 'fast-check';
import { b64url, fromB64url, jsonSegment } from '../../fixtures/forge/b64url.ts';
import { keyForAlg, type TokenFactory } from '../../fixtures/forge/factory.ts';
import type { SigningKey } from '../../fixtures/forge/sign.ts';
import { forge, type Segment } from '../../fixtures/forge/token.ts';

/**
 * A token recipe: a valid token for the policy (signed by a trusted key with `alg`), and a short list of
 * changes to it. It is plain JSON, independent of any target (the policy's issuer, audience and leeway are
 * applied when the token is built), so it is what fast-check shrinks and what a finding shows: a shrunk
 * recipe reads as "a valid token, except …".
 */
export interface Recipe {
  /** the trusted key that signs the base token; an alg the policy does not allow falls back to the default */
  alg: BaseAlg;
  /** applied in order: header and claim changes, then signing, then the post-signing mutations */
  changes: Change[];
}

export type BaseAlg = 'RS256' | 'ES256' | 'EdDSA';
export type Change = HeaderChange | SignChange | ClaimChange | Mutation;

export type HeaderChange =
  /** the header's alg, while the signature is still made with the base alg */
  | { header: 'alg'; to: string }
  | { header: 'kid'; to: 'absent' | 'other-key' | 'attacker' | 'unknown' | 'path' }
  | { header: 'typ'; to: 'upper-case' | 'media-type' | 'absent' | 'JWT' | 'dpop+jwt' }
  /** a critical extension nobody understands, an empty list, a registered name (RFC 7515 §4.1.11) */
  | { header: 'crit'; to: 'unknown' | 'empty' | 'registered' }
  /** a private header parameter a correct RS ignores */
  | { header: 'extra' };

export type SignChange =
  /** a key the target never trusted (same alg), optionally advertised in the header */
  | { sign: 'attacker'; embed: 'none' | 'jwk' | 'x5c' }
  /** unsecured: alg none in some letter case, empty signature */
  | { sign: 'none'; alg: 'none' | 'None' | 'NONE' | 'nOnE' }
  /**
   * HMAC keyed with the trusted public key's PEM (alg confusion), an empty secret, a guess, or the content of
   * the file a path-like kid names (/dev/null: empty)
   */
  | { sign: 'hmac'; alg: 'HS256' | 'HS384' | 'HS512'; secret: 'public-pem' | 'empty' | 'guess' | 'kid-file' }
  /** the signature segment left empty */
  | { sign: 'stripped' }
  /** a trusted key of another type signs, the header still names the base alg and kid */
  | { sign: 'other-key' }
  /** the trusted RSA key signs with an alg it fits but the allow-list may not hold */
  | { sign: 'other-alg'; alg: 'RS384' | 'RS512' | 'PS256' | 'PS384' | 'PS512' }
  /** ES256 with the trusted EC key, the signature DER-encoded (not JWS r||s) or all zero (CVE-2022-21449) */
  | { sign: 'ecdsa'; form: 'der' | 'zero' };

export type TimeClaim = 'exp' | 'nbf' | 'iat';
export type ClaimChange =
  | { claim: 'iss'; to: 'other' | 'absent' | 'array' | 'trailing-slash' | 'upper-case' | 'empty' | 'number' }
  | {
      claim: 'aud';
      to:
        | 'array'
        | 'array-with-other'
        | 'other'
        | 'absent'
        | 'array-of-other'
        | 'empty-array'
        | 'superstring'
        | 'prefix'
        | 'upper-case'
        | 'number';
    }
  /**
   * `by` seconds beyond the nearest accept/reject boundary: the boundary is the policy's maximum leeway plus
   * a 20 s margin, so a target with any leeway up to the maximum and a clock up to 10 s off answers the same
   */
  | { claim: TimeClaim; to: 'past' | 'future'; by: number }
  | { claim: TimeClaim | 'sub' | 'jti' | 'client_id'; to: 'absent' }
  /** exp as a JSON string of the same (valid) time: not a NumericDate (RFC 7519 §2) */
  | { claim: 'exp'; to: 'string' }
  /** the claim twice, the wrong value first or last (RFC 7519 §4: refuse, or take the last) */
  | { claim: 'duplicate'; name: 'iss' | 'aud' | 'exp'; wrong: 'first' | 'last' }
  | { claim: 'extra'; name: 'roles' | 'tenant' | 'x_gauntlet'; value: JsonValue }
  /** the payload is valid JSON but not an object (array: the claims wrapped in one) */
  | { claim: 'payload'; to: 'array' | 'string' | 'null' };

export type Mutation =
  /** flip one bit of one decoded byte of a segment (re-encoded canonically) */
  | { mutate: 'flip'; segment: 0 | 1 | 2; at: number; bit: number }
  /** flip one bit of one base64url character (may leave non-zero padding bits) */
  | { mutate: 'char'; segment: 0 | 1 | 2; at: number; bit: number }
  | { mutate: 'drop'; segment: 0 | 1 | 2 }
  | { mutate: 'duplicate'; segment: 0 | 1 | 2 }
  | { mutate: 'insert'; at: number; text: string }
  | { mutate: 'truncate'; by: number }
  /** a segment re-encoded in standard base64 with padding (+, /, =), as a careless encoder writes it */
  | { mutate: 'std-base64'; segment: 0 | 1 | 2 }
  /** one claim changed after signing, the signature kept */
  | { mutate: 'tamper'; claim: 'sub' | 'scope' | 'exp' | 'aud' };

/** Seconds kept between a generated time and any boundary (leeway up to the policy's, ±10 s of clock skew). */
export const TIME_MARGIN = 20;
export const ATTACKER_ISS = 'https://issuer.attacker.example';
export const OTHER_AUD = 'https://other-api.attacker.example';
const PATH_KID = '../../../../../../../../dev/null';

// ---------------------------------------------------------------------------------------------- arbitraries

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });
/** constants, the first being the one a counterexample shrinks to */
const one = <const T extends string | number>(...values: T[]): fc.Arbitrary<T> => fc.constantFrom(...values);

/** seconds beyond a boundary: mostly minutes, often hours, sometimes weeks (a 24 h leeway is a real bug) */
const beyond = fc.oneof(
  { withCrossShrink: true },
  w(3, fc.integer({ min: 0, max: 600 })),
  w(2, fc.integer({ min: 601, max: 86_400 })),
  w(2, fc.integer({ min: 86_401, max: 90 * 86_400 })),
);
const segment = one(2, 1, 0);

const headerChange: fc.Arbitrary<HeaderChange> = fc.oneof(
  w(
    2,
    fc.record({
      header: one('alg'),
      to: one(
        'RS256',
        'ES256',
        'EdDSA',
        'none',
        'None',
        'NONE',
        'nOnE',
        'HS256',
        'RS384',
        'RS512',
        'PS256',
        'ES384',
        'ES512',
        'rs256',
        '',
      ),
    }),
  ),
  w(1, fc.record({ header: one('kid'), to: one('absent', 'other-key', 'attacker', 'unknown', 'path') })),
  w(1, fc.record({ header: one('typ'), to: one('upper-case', 'media-type', 'absent', 'JWT', 'dpop+jwt') })),
  w(1, fc.record({ header: one('crit'), to: one('unknown', 'empty', 'registered') })),
  w(1, fc.record({ header: one('extra') })),
);

const signChange: fc.Arbitrary<SignChange> = fc.oneof(
  w(2, fc.record({ sign: one('attacker'), embed: one('none', 'jwk', 'x5c') })),
  w(1, fc.record({ sign: one('none'), alg: one('none', 'None', 'NONE', 'nOnE') })),
  w(
    2,
    fc.record({
      sign: one('hmac'),
      alg: one('HS256', 'HS384', 'HS512'),
      secret: one('public-pem', 'empty', 'guess', 'kid-file'),
    }),
  ),
  w(1, fc.record({ sign: one('stripped') })),
  w(1, fc.record({ sign: one('other-key') })),
  w(1, fc.record({ sign: one('other-alg'), alg: one('RS384', 'RS512', 'PS256', 'PS384', 'PS512') })),
  w(2, fc.record({ sign: one('ecdsa'), form: one('der', 'zero') })),
);

const timeChange: fc.Arbitrary<ClaimChange> = fc.oneof(
  w(4, fc.record({ claim: one('exp', 'nbf', 'iat'), to: one('past', 'future'), by: beyond })),
  w(1, fc.record({ claim: one('exp', 'iat'), to: one('absent') })),
  w(1, fc.record({ claim: one('exp'), to: one('string') })),
);

const claimChange: fc.Arbitrary<ClaimChange> = fc.oneof(
  w(
    4,
    fc.record({
      claim: one('iss'),
      to: one('other', 'absent', 'trailing-slash', 'upper-case', 'empty', 'array', 'number'),
    }),
  ),
  w(
    4,
    fc.record({
      claim: one('aud'),
      to: one(
        'array',
        'array-with-other',
        'other',
        'absent',
        'array-of-other',
        'empty-array',
        'superstring',
        'prefix',
        'upper-case',
        'number',
      ),
    }),
  ),
  w(1, fc.record({ claim: one('sub', 'jti', 'client_id'), to: one('absent') })),
  w(
    1,
    fc.record({
      claim: one('extra'),
      name: one('roles', 'tenant', 'x_gauntlet'),
      value: fc.jsonValue({ maxDepth: 2 }),
    }),
  ),
  w(2, fc.record({ claim: one('duplicate'), name: one('aud', 'iss', 'exp'), wrong: one('first', 'last') })),
  w(2, fc.record({ claim: one('payload'), to: one('array', 'string', 'null') })),
);

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  w(
    3,
    fc.record({ mutate: one('flip', 'char'), segment, at: fc.nat({ max: 4096 }), bit: fc.nat({ max: 7 }) }),
  ),
  w(1, fc.record({ mutate: one('drop', 'duplicate'), segment })),
  w(1, fc.record({ mutate: one('std-base64'), segment })),
  // header-safe characters only (no white space: HTTP trims it at the ends, which would hide the change)
  w(
    1,
    fc.record({
      mutate: one('insert'),
      at: fc.nat({ max: 4096 }),
      text: one('A', '.', '=', '==', '-', '_', '+', '/', '~', '*', '%', '!'),
    }),
  ),
  w(1, fc.record({ mutate: one('truncate'), by: fc.integer({ min: 1, max: 64 }) })),
  w(2, fc.record({ mutate: one('tamper'), claim: one('sub', 'scope', 'exp', 'aud') })),
);

/** One change to a valid token: mostly claims, header and who signs, sometimes the bytes. */
export const changeArb: fc.Arbitrary<Change> = fc.oneof(
  w(3, timeChange),
  w(4, claimChange),
  w(3, headerChange),
  w(4, signChange),
  w(2, mutation),
);

/** A change slot that is empty with probability 1 - p/100; it shrinks to empty. */
const slot = (p: number) =>
  fc.oneof({ withCrossShrink: true }, w(100 - p, fc.constant(null)), w(p, changeArb));

/**
 * Recipes near the accept/reject boundary: about 10 % unchanged valid tokens, most with one change, some with
 * two to four. Each slot shrinks to "no change", so a counterexample shrinks to the changes that matter.
 */
export const recipeArb: fc.Arbitrary<Recipe> = fc
  .record({
    alg: one('RS256', 'ES256', 'EdDSA'),
    slots: fc.tuple(slot(88), slot(20), slot(8), slot(4)),
  })
  .map(({ alg, slots }) => ({ alg, changes: slots.filter((c): c is Change => c !== null) }));

// ---------------------------------------------------------------------------------------------- building

export interface BuildOptions {
  /** the scope the endpoint requires, carried by every token */
  scope?: string;
}

/** The base alg the recipe asks for, if the policy allows it and a trusted key can sign it. */
export function baseAlg(recipe: Recipe, t: TokenFactory): string {
  return t.policy.algorithms.includes(recipe.alg as never) && keyForAlg(t.trusted, recipe.alg)
    ? recipe.alg
    : t.alg;
}

/** Compact JSON of a recipe, as findings and evidence show it. */
export function recipeText(recipe: Recipe): string {
  return JSON.stringify(recipe);
}

const flipChar = (s: string, at: number, bit: number) => {
  const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  if (!s) return s;
  const i = at % s.length;
  const c = ALPHABET.indexOf(s[i]!);
  if (c < 0) return s;
  return s.slice(0, i) + ALPHABET[c ^ (1 << (bit % 6))]! + s.slice(i + 1);
};

const flipByte = (s: string, at: number, bit: number) => {
  const bytes = fromB64url(s);
  if (!bytes.length) return s;
  const i = at % bytes.length;
  bytes[i] = bytes[i]! ^ (1 << (bit % 8));
  return b64url(bytes);
};

/**
 * Turns a recipe into a token, with the factory's keys, policy and clock. Pure for a given factory clock:
 * the same recipe gives the same header and payload (the jti is a digest of the recipe) and the same
 * signature, except for ES256, whose signatures are randomised by nature.
 */
export function buildToken(recipe: Recipe, t: TokenFactory, opts: BuildOptions = {}): string {
  const p = t.policy;
  const now = t.now();
  const leeway = p.maxLeewaySeconds;
  const alg = baseAlg(recipe, t);
  const jti = `fuzz-${createHash('sha256').update(recipeText(recipe)).digest('hex').slice(0, 16)}`;
  const header: Record<string, unknown> = t.header(alg);
  const claims: Record<string, unknown> = t.claims(opts.scope, { iat: now - TIME_MARGIN, jti });
  const typ = p.typ ?? 'at+jwt';
  let shape: Extract<ClaimChange, { claim: 'payload' }>['to'] | undefined;
  let duplicate: Extract<ClaimChange, { claim: 'duplicate' }> | undefined;
  let signWith: { alg: string; key: SigningKey } | { ecdsa: 'der' | 'zero' } | null = {
    alg,
    key: t.key(alg).privateKey,
  };

  const mutations: Mutation[] = [];
  for (const c of recipe.changes) {
    if ('mutate' in c) mutations.push(c);
    else if ('header' in c) {
      switch (c.header) {
        case 'alg':
          header.alg = c.to;
          break;
        case 'kid':
          if (c.to === 'absent') delete header.kid;
          else if (c.to === 'other-key') header.kid = t.trusted.keys.find((k) => k.kid !== header.kid)?.kid;
          else if (c.to === 'attacker') header.kid = keyForAlg(t.attacker, alg)?.kid;
          else if (c.to === 'unknown') header.kid = 'gauntlet-fuzz-unknown-kid';
          else header.kid = PATH_KID;
          break;
        case 'typ':
          if (c.to === 'absent') delete header.typ;
          else if (c.to === 'upper-case') header.typ = typ.toUpperCase();
          else if (c.to === 'media-type') header.typ = `application/${typ}`;
          else header.typ = c.to;
          break;
        case 'crit':
          if (c.to === 'empty') header.crit = [];
          else if (c.to === 'registered') header.crit = ['exp'];
          else {
            header.crit = ['x-gauntlet-ext'];
            header['x-gauntlet-ext'] = true;
          }
          break;
        case 'extra':
          header['x-gauntlet'] = 'fuzz';
          break;
      }
    } else if ('sign' in c) {
      switch (c.sign) {
        case 'attacker': {
          const signAlg = c.embed === 'x5c' ? 'RS256' : alg;
          const k = keyForAlg(t.attacker, signAlg)!;
          signWith = { alg: signAlg, key: k.privateKey };
          if (c.embed === 'x5c') {
            header.alg = 'RS256';
            header.x5c = k.publicJwk.x5c;
          } else if (c.embed === 'jwk') {
            const { x5c: _x5c, ...jwk } = k.publicJwk;
            header.jwk = jwk;
          }
          break;
        }
        case 'none':
          header.alg = c.alg;
          signWith = null;
          break;
        case 'hmac': {
          header.alg = c.alg;
          if (c.secret === 'kid-file') header.kid = PATH_KID;
          const secret =
            c.secret === 'public-pem'
              ? (t.key(alg).publicKey.export({ type: 'spki', format: 'pem' }) as string)
              : c.secret === 'empty' || c.secret === 'kid-file'
                ? ''
                : 'secret';
          signWith = { alg: c.alg, key: secret };
          break;
        }
        case 'stripped':
          signWith = null;
          break;
        case 'other-key': {
          const k = t.trusted.keys.find((k) => keyForAlg(t.trusted, alg) !== k)!;
          signWith = { alg: k.alg, key: k.privateKey };
          break;
        }
        case 'other-alg': {
          const k = keyForAlg(t.trusted, 'RS256');
          if (!k) break;
          header.alg = c.alg;
          header.kid = k.kid;
          signWith = { alg: c.alg, key: k.privateKey };
          break;
        }
        case 'ecdsa': {
          const k = keyForAlg(t.trusted, 'ES256');
          if (!k) break;
          header.alg = 'ES256';
          header.kid = k.kid;
          signWith = { ecdsa: c.form };
          break;
        }
      }
    } else {
      switch (c.claim) {
        case 'iss':
          claims.iss = issValue(c.to, p.issuer);
          break;
        case 'aud':
          claims.aud = audValue(c.to, p.audience);
          break;
        case 'exp':
        case 'nbf':
        case 'iat':
          if (c.to === 'absent') delete claims[c.claim];
          else if (c.to === 'string') claims[c.claim] = String(claims[c.claim]);
          else {
            // exp is valid in the future, nbf and iat in the past: the invalid side starts beyond the leeway
            const lateBoundary = c.claim === 'exp' ? 0 : leeway;
            const earlyBoundary = c.claim === 'exp' ? leeway : 0;
            claims[c.claim] =
              c.to === 'future'
                ? now + lateBoundary + TIME_MARGIN + c.by
                : now - earlyBoundary - TIME_MARGIN - c.by;
          }
          break;
        case 'sub':
        case 'jti':
        case 'client_id':
          delete claims[c.claim];
          break;
        case 'extra':
          claims[c.name] = c.value;
          break;
        case 'duplicate':
          duplicate = c;
          break;
        case 'payload':
          shape = c.to;
          break;
      }
    }
  }

  const wrong = { iss: ATTACKER_ISS, aud: OTHER_AUD, exp: now - leeway - TIME_MARGIN - 3600 };
  const payload = payloadOf(claims, shape, duplicate, wrong);
  let signature: { sign: { alg: string; key: SigningKey } } | { signature: Uint8Array | { literal: string } };
  if (!signWith) signature = { signature: { literal: '' } };
  else if ('ecdsa' in signWith) {
    const input = Buffer.from(`${jsonSegment(header)}.${jsonSegment(payload)}`, 'ascii');
    const key = keyForAlg(t.trusted, 'ES256')!.privateKey;
    signature = {
      signature:
        signWith.ecdsa === 'zero'
          ? new Uint8Array(64)
          : nodeSign('sha256', input, { key, dsaEncoding: 'der' }),
    };
  } else signature = { sign: signWith };
  let parts = forge({ header, payload, ...signature }).split('.');
  for (const m of mutations) parts = mutate(parts, m, now);
  return parts.join('.');
}

/** The payload as the recipe shapes it: the claims object, wrapped, replaced, or with a duplicate member. */
function payloadOf(
  claims: Record<string, unknown>,
  shape: Extract<ClaimChange, { claim: 'payload' }>['to'] | undefined,
  duplicate: Extract<ClaimChange, { claim: 'duplicate' }> | undefined,
  wrong: Record<'iss' | 'aud' | 'exp', unknown>,
): Segment {
  if (shape === 'array') return [claims];
  if (shape === 'string') return 'gauntlet';
  if (shape === 'null') return { raw: 'null' };
  if (!duplicate) return claims;
  const members = JSON.stringify(claims).slice(1, -1);
  const extra = `${JSON.stringify(duplicate.name)}:${JSON.stringify(wrong[duplicate.name])}`;
  const all = duplicate.wrong === 'first' ? [extra, members] : [members, extra];
  return { raw: `{${all.filter(Boolean).join(',')}}` };
}

function issValue(to: Extract<ClaimChange, { claim: 'iss' }>['to'], issuer: string): unknown {
  switch (to) {
    case 'other':
      return ATTACKER_ISS;
    case 'absent':
      return undefined;
    case 'array':
      return [issuer];
    case 'trailing-slash':
      return issuer.endsWith('/') ? issuer.slice(0, -1) : `${issuer}/`;
    case 'upper-case':
      return issuer.toUpperCase() === issuer ? issuer.toLowerCase() : issuer.toUpperCase();
    case 'empty':
      return '';
    case 'number':
      return 42;
  }
}

function audValue(to: Extract<ClaimChange, { claim: 'aud' }>['to'], aud: string): unknown {
  switch (to) {
    case 'array':
      return [aud];
    case 'array-with-other':
      return [OTHER_AUD, aud];
    case 'other':
      return OTHER_AUD;
    case 'absent':
      return undefined;
    case 'array-of-other':
      return [OTHER_AUD];
    case 'empty-array':
      return [];
    case 'superstring':
      return `${aud}.attacker.example`;
    case 'prefix':
      return aud.slice(0, Math.max(1, aud.length - 4));
    case 'upper-case':
      return aud.toUpperCase() === aud ? aud.toLowerCase() : aud.toUpperCase();
    case 'number':
      return 42;
  }
}

function mutate(parts: string[], m: Mutation, now: number): string[] {
  const out = [...parts];
  const seg = 'segment' in m ? m.segment % out.length : 0;
  switch (m.mutate) {
    case 'flip':
      out[seg] = flipByte(out[seg]!, m.at, m.bit);
      return out;
    case 'char':
      out[seg] = flipChar(out[seg]!, m.at, m.bit);
      return out;
    case 'drop':
      out.splice(seg, 1);
      return out;
    case 'duplicate':
      out.splice(seg, 0, out[seg]!);
      return out;
    case 'insert': {
      const s = out.join('.');
      const at = m.at % (s.length + 1);
      return (s.slice(0, at) + m.text + s.slice(at)).split('.');
    }
    case 'std-base64':
      out[seg] = fromB64url(out[seg]!).toString('base64');
      return out;
    case 'truncate': {
      const s = out.join('.');
      return s.slice(0, Math.max(1, s.length - m.by)).split('.');
    }
    case 'tamper': {
      let claims: unknown;
      try {
        claims = JSON.parse(fromB64url(out[1] ?? '').toString('utf8'));
      } catch {
        return out;
      }
      if (!claims || typeof claims !== 'object' || Array.isArray(claims)) return out;
      const c = claims as Record<string, unknown>;
      if (m.claim === 'sub') c.sub = 'admin';
      else if (m.claim === 'scope') c.scope = 'admin orders:read orders:write';
      else if (m.claim === 'exp') c.exp = now + 365 * 86_400;
      else c.aud = OTHER_AUD;
      out[1] = b64url(JSON.stringify(c));
      return out;
    }
  }
}

import {
  createLocalJWKSet,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
  type JWTPayload,
  jwtVerify,
} from 'jose';
import type { Policy } from '../manifest/schema.ts';

/** What a correct resource server must do with one token. */
export interface OracleAnswer {
  accept: boolean;
  /** why, in one line: the check that failed (jose's error code, or one of the rules below), or what passed */
  reason: string;
  /**
   * Set when the standards let a correct RS answer either way (any leeway up to the policy's maximum plus
   * clock skew, key selection by kid, duplicate member names, non-canonical base64url). `accept` is then the
   * nominal answer, but a target that answers otherwise is still correct and must not be reported.
   */
  open?: string;
}

export interface Oracle {
  judge(token: string): Promise<OracleAnswer>;
}

export interface OracleOptions {
  /** seconds since the epoch (default: the wall clock) */
  clock?: () => number;
  /** clock difference tolerated between harness and target, seconds (default 10) */
  skewSeconds?: number;
}

type KeyResolver = (
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => ReturnType<ReturnType<typeof createLocalJWKSet>>;

/** RFC 7515 §7.1 and §2: three base64url segments (RFC 4648 §5 alphabet), no padding, no white space. */
const COMPACT = /^([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** a clock tolerance that switches jose's own time checks off, so the rest can be checked on its own */
const NO_TIME = 1e10;

/** RFC 4648 §3.5: the unused low bits of the last character are zero. */
export function canonicalB64url(segment: string): boolean {
  const rest = segment.length % 4;
  if (rest === 0) return true;
  const last = ALPHABET.indexOf(segment[segment.length - 1]!);
  const unused = rest === 2 ? 4 : 2;
  return (last & ((1 << unused) - 1)) === 0;
}

const describe = (err: unknown) =>
  err instanceof errors.JOSEError
    ? `${err.code}: ${err.message}`
    : `${(err as Error).name}: ${(err as Error).message}`;

const isTimeFailure = (err: unknown) =>
  err instanceof errors.JWTExpired || (err instanceof errors.JWTClaimValidationFailed && err.claim === 'nbf');

/**
 * The reference verifier: jose's `jwtVerify` with the trusted keys and the manifest's policy, plus a few
 * single-purpose rules where jose is laxer than a careful resource server. It answers what a correct RS must
 * do; where the standards leave the answer to the RS, it says so (`open`) instead of guessing.
 */
export function createOracle(policy: Policy, trustedJwks: JSONWebKeySet, opts: OracleOptions = {}): Oracle {
  const jwks = createLocalJWKSet(trustedJwks);
  const clock = opts.clock ?? (() => Date.now() / 1000);
  const skew = opts.skewSeconds ?? 10;
  const leeway = policy.maxLeewaySeconds;
  /** kid is a hint (RFC 7515 §4.1.4): the same verification, choosing the key by alg alone */
  const byAlg: KeyResolver = (header, token) => jwks({ ...header, kid: undefined }, token);
  const verify = (token: string, now: number, clockTolerance: number, keys: KeyResolver) =>
    jwtVerify(token, keys, {
      // RFC 8725 §3.1: the alg allow-list comes from configuration, never from the token
      algorithms: policy.algorithms,
      // RFC 9068 §4: iss matches exactly, aud contains this RS, typ is at+jwt (RFC 9068 §2.1), exp checked;
      // RFC 9068 §2.2: exp, iss and aud are REQUIRED
      issuer: policy.issuer,
      audience: policy.audience,
      requiredClaims: ['exp', 'iss', 'aud'],
      ...(policy.typ ? { typ: policy.typ } : {}),
      // RFC 7519 §4.1.4 / §4.1.5: exp and nbf, with at most the policy's leeway
      clockTolerance,
      currentDate: new Date(now * 1000),
      // jose itself applies RFC 7515 §5.2 (signature by a trusted key whose type fits alg), §4.1.11 (crit),
      // and RFC 7519 §7.2 (header and payload are JSON objects, UTF-8, registered claims of the right type)
    });

  const evaluate = async (token: string, segments: string[], keys: KeyResolver): Promise<OracleAnswer> => {
    const now = clock();
    let nominal: OracleAnswer | undefined;
    let claims: JWTPayload;
    let header: Record<string, unknown>;
    try {
      ({ payload: claims, protectedHeader: header } = await verify(token, now, leeway, keys));
    } catch (err) {
      if (!isTimeFailure(err)) return { accept: false, reason: describe(err) };
      nominal = { accept: false, reason: describe(err) };
      try {
        // everything but the time claims passed: look at them with the clock checks switched off
        ({ payload: claims, protectedHeader: header } = await verify(token, now, NO_TIME, keys));
      } catch {
        return nominal; // a time claim absurdly far off: certain
      }
    }

    // RFC 7519 §4.1.1: iss is a StringOrURI, compared exactly (RFC 9068 §4). jose's includes() already
    // refuses an array; the rule keeps the oracle honest should that ever change.
    if (typeof claims.iss !== 'string')
      return { accept: false, reason: 'iss is not a string (RFC 7519 §4.1.1)' };

    const times = timeVerdict(claims, now, leeway, skew, policy.rejectFutureIat);
    if (times.reject) return { accept: false, reason: nominal?.reason ?? times.reject };
    const answer: OracleAnswer = nominal ?? {
      accept: true,
      reason: `valid: trusted signature, alg in [${policy.algorithms.join(', ')}], iss, aud, exp/nbf/iat${policy.typ ? ', typ' : ''}`,
    };
    const open = times.open ?? openSelection(header, segments, trustedJwks);
    return open ? { ...answer, open } : answer;
  };

  return {
    async judge(token) {
      // RFC 7515 §7.1 and §2 (base64url without padding, line breaks or white space), RFC 7519 §7.2 step 1.
      // jose decodes with atob, which skips white space and accepts '=' padding: a correct RS refuses both.
      const m = COMPACT.exec(token);
      if (!m) return { accept: false, reason: 'not a JWS compact serialization (RFC 7515 §7.1)' };
      const segments = m.slice(1, 4);
      if (segments.some((s) => s.length % 4 === 1))
        return { accept: false, reason: 'a segment is not valid base64url (RFC 4648 §5)' };

      const answer = await evaluate(token, segments, jwks);
      if (answer.accept || !answer.reason.startsWith('ERR_JWKS_NO_MATCHING_KEY')) return answer;
      // RFC 7515 §4.1.4: kid is a hint. A kid that names no trusted key (or one of another type) on a token
      // that a trusted key of the alg's type verifies in every other respect: an RS may refuse it or ignore kid.
      const ignoringKid = await evaluate(token, segments, byAlg);
      return ignoringKid.accept
        ? {
            ...answer,
            open: 'kid names no trusted key of this type, but a trusted key verifies it: kid is a hint (RFC 7515 §4.1.4)',
          }
        : answer;
    },
  };
}

/**
 * The time claims. A correct RS may use any leeway from 0 to the policy's maximum, and its clock may differ
 * from the harness's by up to `skew` seconds: inside those bands either answer is correct (`open`); outside
 * them the answer is certain.
 */
function timeVerdict(
  claims: JWTPayload,
  now: number,
  leeway: number,
  skew: number,
  rejectFutureIat: boolean,
): { reject?: string; open?: string } {
  const { exp, nbf, iat } = claims;
  const ago = (t: number) => `${Math.round(Math.abs(t - now))} s ${t < now ? 'ago' : 'from now'}`;
  // RFC 7519 §4.1.4: reject once exp has passed (plus leeway); jose has checked that exp is a number
  if (typeof exp === 'number' && exp <= now - leeway - skew)
    return { reject: `exp ${ago(exp)}, beyond the ${leeway} s leeway (RFC 7519 §4.1.4)` };
  // RFC 7519 §4.1.5: not before nbf (minus leeway)
  if (typeof nbf === 'number' && nbf >= now + leeway + skew)
    return { reject: `nbf ${ago(nbf)}, beyond the ${leeway} s leeway (RFC 7519 §4.1.5)` };
  // RFC 7519 §4.1.6 (iat is when the token was issued) does not require refusing a future iat, but a policy
  // may claim it (policy.rejectFutureIat; golang-jwt's WithIssuedAt does it): then a token issued further in
  // the future than the leeway is refused. jose checks iat only with maxTokenAge.
  if (rejectFutureIat && typeof iat === 'number' && iat >= now + leeway + skew)
    return {
      reject: `iat ${ago(iat)}, issued in the future beyond the ${leeway} s leeway (RFC 7519 §4.1.6)`,
    };
  if (typeof exp === 'number' && exp <= now + skew)
    return { open: `exp ${ago(exp)}: inside the leeway band` };
  if (typeof nbf === 'number' && nbf >= now - skew)
    return { open: `nbf ${ago(nbf)}: inside the leeway band` };
  if (typeof iat === 'number' && iat > now - skew)
    return {
      open: rejectFutureIat
        ? `iat ${ago(iat)}: inside the leeway band`
        : `iat ${ago(iat)}: the policy does not claim to refuse a future iat (RFC 7519 §4.1.6 leaves it to the RS)`,
    };
  return {};
}

/** Where the standards leave the choice to the RS although jose accepts. */
function openSelection(header: Record<string, unknown>, segments: string[], trusted: JSONWebKeySet) {
  // RFC 7515 §4 and RFC 7519 §4: a parser MUST either refuse duplicate member names or take the last one
  // (jose: JSON.parse, the last). Either is correct; taking the first is not, and jose's answer covers that.
  for (const [i, part] of ['header', 'payload'].entries()) {
    const dup = duplicateMember(Buffer.from(segments[i]!, 'base64url').toString('utf8'));
    if (dup !== undefined)
      return `duplicate ${part} member "${dup}": an RS may refuse it or take the last (RFC 7515 §4, RFC 7519 §4)`;
  }
  // RFC 7515 §4.1.4: kid is OPTIONAL, and RFC 7517 §4.5 leaves key selection to the application. With several
  // trusted keys jose picks the one whose type fits alg; an RS that insists on a kid is correct too.
  if (typeof header.kid !== 'string' && trusted.keys.length > 1)
    return 'no kid while several keys are trusted: key selection is up to the RS (RFC 7515 §4.1.4)';
  // RFC 4648 §3.5: decoders MAY reject non-zero padding bits; jose (atob) ignores them.
  if (!segments.every(canonicalB64url)) return 'non-canonical base64url: an RS may refuse it (RFC 4648 §3.5)';
  return undefined;
}

/** The first member name that occurs twice in one object of a JSON text (one JSON.parse accepted), if any. */
export function duplicateMember(text: string): string | undefined {
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const string = (): string => {
    const start = i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (): string | undefined => {
    ws();
    const open = text[i];
    if (open === '{' || open === '[') {
      i++;
      const names = open === '{' ? new Set<string>() : undefined;
      ws();
      if (text[i] === '}' || text[i] === ']') {
        i++;
        return undefined;
      }
      while (i < text.length) {
        if (names) {
          ws();
          const name = string();
          if (names.has(name)) return name;
          names.add(name);
          ws();
          i++; // ':'
        }
        const dup = value();
        if (dup !== undefined) return dup;
        ws();
        if (text[i++] !== ',') return undefined; // '}' or ']'
      }
      return undefined;
    }
    if (open === '"') string();
    else while (i < text.length && !',]} \t\n\r'.includes(text[i]!)) i++;
    return undefined;
  };
  try {
    return value();
  } catch {
    return undefined;
  }
}

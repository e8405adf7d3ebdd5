import type { Exchange } from '../verdict/types.ts';

/**
 * Single-check conditions on an HTTP answer, each citing the rule it enforces. An attack combines them;
 * each returns undefined when satisfied, or what is wrong.
 */
export type Condition = (e: Exchange) => string | undefined;

const header = (e: Exchange, name: string) => e.response?.headers[name.toLowerCase()];

/** RFC 6750 §3: a 401 carries a WWW-Authenticate challenge with the Bearer scheme. */
export const bearerChallenge: Condition = (e) => {
  const h = header(e, 'www-authenticate');
  if (!h) return `HTTP ${e.response?.status} without WWW-Authenticate`;
  return /^\s*bearer\b/i.test(h) || /,\s*bearer\b/i.test(h)
    ? undefined
    : `WWW-Authenticate "${h}" is not a Bearer challenge`;
};

/** RFC 6750 §3.1: the challenge names the error code. */
export function challengeError(code: 'invalid_token' | 'insufficient_scope'): Condition {
  return (e) => {
    const h = header(e, 'www-authenticate') ?? '';
    return new RegExp(`error\\s*=\\s*"?${code}"?`, 'i').test(h)
      ? undefined
      : `WWW-Authenticate "${h}" does not say error="${code}"`;
  };
}

/** RFC 6750 §3.1: an invalid token gets 401; an insufficient scope 403. */
export function status(...expected: number[]): Condition {
  return (e) =>
    e.response && expected.includes(e.response.status)
      ? undefined
      : `${e.why}; expected HTTP ${expected.join(' or ')}`;
}

/** RFC 6750 §5.2 / CWE-209: a refusal says nothing about why the token failed, and shows no stack trace. */
const LEAK =
  /expired|signature|audience|issuer|\bclaim|\bkid\b|not valid|malformed|panic|goroutine|traceback|exception|\bat [\w.$<>]+ ?\(|\.go:\d+|\.js:\d+/i;
export const noReasonInBody: Condition = (e) => {
  const m = LEAK.exec(e.response?.body ?? '');
  return m
    ? `the body tells why: "${(e.response?.body ?? '').slice(Math.max(0, m.index - 40), m.index + 60)}"`
    : undefined;
};

export function failures(e: Exchange, conditions: Condition[]): string[] {
  return conditions.map((c) => c(e)).filter((r): r is string => Boolean(r));
}

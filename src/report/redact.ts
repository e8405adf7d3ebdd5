import type { TokenEvidence } from '../verdict/types.ts';
import { fingerprint, redactSecrets } from './secrets.ts';

/** deeper JSON than this is shown as an excerpt: JSON.stringify of the report would overflow the stack */
const MAX_DEPTH = 64;

function depthOf(value: unknown, limit: number): number {
  if (!value || typeof value !== 'object') return 0;
  if (limit <= 0) return 1;
  let max = 0;
  for (const v of Object.values(value)) max = Math.max(max, depthOf(v, limit - 1));
  return max + 1;
}

function decodeSegment(seg: string | undefined): unknown {
  if (seg === undefined) return null;
  const text = Buffer.from(seg, 'base64url').toString('utf8');
  try {
    const value: unknown = JSON.parse(text);
    if (depthOf(value, MAX_DEPTH + 1) > MAX_DEPTH)
      return { tooDeep: `JSON nested more than ${MAX_DEPTH} levels`, excerpt: text.slice(0, 200) };
    return clip(value);
  } catch {
    return { undecodable: text.slice(0, 200) };
  }
}

/** Long strings (a padded claim, a key) are cut: evidence shows their shape, not megabytes. */
function clip(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length > 300 ? `${value.slice(0, 300)}…(${value.length} chars)` : value;
  if (Array.isArray(value)) return value.slice(0, 50).map(clip);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clip(v)]));
  return value;
}

export { fingerprint };

/** Keeps what an auditor needs (header, claims, shape) and drops what would let anyone replay the token. */
export function tokenEvidence(token: string): TokenEvidence {
  const parts = token.split('.');
  const sig = parts.length > 2 ? parts[parts.length - 1]! : '';
  const shown = parts.slice(0, 2).map((p) => (p.length > 400 ? `${p.slice(0, 400)}…(${p.length} chars)` : p));
  const redacted =
    parts.length >= 3
      ? `${shown.join('.')}${'.'.repeat(parts.length - 2)}${sig ? `<signature redacted, ${sig.length} chars>` : ''}`
      : `<not a JWS: ${token.length} chars redacted>`;
  // a claim may carry a secret of the run (an AS that puts the client secret in its tokens)
  return {
    header: redactSecrets(decodeSegment(parts[0])),
    payload: redactSecrets(parts.length >= 2 ? decodeSegment(parts[1]) : null),
    redacted,
    sha256: fingerprint(token),
    length: token.length,
  };
}

/** Removes a token (and any secret) from free text such as a response body. */
export function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 8) out = out.split(s).join(`<redacted sha256:${fingerprint(s)}>`);
  return out.replace(/eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]+/g, (t) => `<token redacted sha256:${fingerprint(t)}>`);
}

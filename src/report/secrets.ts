import { createHash } from 'node:crypto';

export function fingerprint(value: string): string {
  return createHash('sha256').update(value).digest('hex').slice(0, 16);
}

const KEY = Symbol.for('auth-gauntlet.secrets');

/** Secrets of this run (client secrets, generated passwords): never written to a report. One set per process. */
function registry(): Set<string> {
  const g = globalThis as unknown as Record<symbol, Set<string>>;
  g[KEY] ??= new Set();
  return g[KEY];
}

export function registerSecrets(...secrets: string[]): void {
  // shorter strings would blank out ordinary words all over a report
  for (const s of secrets) if (s.length >= 6) registry().add(s);
}

export function knownSecrets(): string[] {
  return [...registry()];
}

/** Every string in `value` with each known secret replaced by its fingerprint (last line of defence). */
export function redactSecrets<T>(value: T, secrets = knownSecrets()): T {
  if (!secrets.length) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      let out = v;
      for (const s of secrets)
        if (out.includes(s)) out = out.split(s).join(`<redacted sha256:${fingerprint(s)}>`);
      return out;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

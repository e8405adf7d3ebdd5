import { GauntletError } from '../errors.ts';

/**
 * Manifests are data: values that are only known at run time are `{{placeholders}}`.
 *   {{env.NAME}}        an environment variable (resolved at load; a missing one is an error)
 *   {{secret.NAME}}     a random secret generated per run (containers targets: e.g. a client secret the
 *                       harness hands to the AS it starts); kept out of every report
 *   {{port.SERVICE}}    the port the harness picked for a service (containers targets)
 *   {{issuer.url}} {{issuer.jwks_uri}}   the harness issuer
 *   {{policy.issuer}} {{policy.audience}}
 *   {{vuln}}            the VULN switches of this run (reference system), empty by default
 */
const PLACEHOLDER = /\{\{\s*([a-zA-Z_][\w.-]*)\s*\}\}/g;

export type Vars = Record<string, string>;

/** Replaces the placeholders in every string of `value` that `vars` knows; leaves the others for a later phase. */
export function interpolate<T>(value: T, vars: Vars, where: string, strict = true): T {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, key: string) => {
      const v = vars[key];
      if (v !== undefined) return v;
      if (strict)
        throw new GauntletError(
          `${where}: unknown placeholder ${whole}; known here: ${Object.keys(vars).sort().join(', ')}`,
        );
      return whole;
    }) as T;
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolate(v, vars, `${where}[${i}]`, strict)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      out[k] = interpolate(v, vars, where ? `${where}.${k}` : k, strict);
    return out as T;
  }
  return value;
}

/** Lists every placeholder in a value with the path where it stands. */
export function placeholders(value: unknown, where = ''): { key: string; where: string }[] {
  if (typeof value === 'string') return [...value.matchAll(PLACEHOLDER)].map((m) => ({ key: m[1]!, where }));
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholders(v, `${where}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => placeholders(v, where ? `${where}.${k}` : k));
  }
  return [];
}

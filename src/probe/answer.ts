import type { Outcome } from '../verdict/types.ts';

/** Response headers as evidence shows them: one string per name. */
export function flatHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers))
    if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** A request that got no HTTP answer (refused, reset, timed out), as an exchange records it. */
export function noAnswer(err: unknown): { outcome: Outcome; why: string; error: string } {
  const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
  const detail = e.cause?.code ?? e.code ?? e.name;
  return {
    outcome: 'error',
    why: `no HTTP answer (${detail})`,
    error: `${detail}: ${e.cause?.message ?? e.message}`,
  };
}

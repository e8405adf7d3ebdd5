import { generateKeySet, type KeySet, loadOrCreateKeySet } from '../../fixtures/issuer/keys.ts';
import { type IssuerServer, startIssuer } from '../../fixtures/issuer/server.ts';
import { createRunPki } from '../../fixtures/pki/ca.ts';
import { GauntletError } from '../errors.ts';
import type { Target } from './targets.ts';

export const DEFAULT_KEYS_FILE = '.gauntlet/issuer-keys.json';

/** One harness issuer and key set for a whole fleet: the services of a platform trust the same issuer. */
export interface SharedIssuer {
  keys: KeySet;
  /** started when at least one `url` target trusts the harness issuer */
  issuer?: IssuerServer;
  close(): Promise<void>;
}

/** The single value the targets give for a trust setting; two different values cannot share one issuer. */
function agreed<T>(targets: Target[], what: string, pick: (t: Target) => T | undefined): T | undefined {
  const values = new Map<string, { value: T; by: string }>();
  for (const t of targets) {
    const v = pick(t);
    if (v !== undefined && !values.has(JSON.stringify(v)))
      values.set(JSON.stringify(v), { value: v, by: t.name });
  }
  if (values.size > 1) {
    const list = [...values.values()].map((v) => `${v.by}: ${JSON.stringify(v.value)}`).join(', ');
    throw new GauntletError(
      `the targets of one run share one harness issuer, but they give different ${what} (${list}); scan them in separate runs or make them agree`,
    );
  }
  return values.values().next().value?.value;
}

/**
 * Starts the fleet's issuer: keys from `trust.keysFile` (the same file for every target, default
 * .gauntlet/issuer-keys.json) or the given set, listening where `trust.listen` says.
 */
export async function startSharedIssuer(
  targets: Target[],
  opts: { keys?: KeySet } = {},
): Promise<SharedIssuer> {
  const urlTargets = targets.filter((t) => t.trust && t.launch.kind === 'url');
  const keysFile = agreed(urlTargets, 'trust.keysFile', (t) => t.trust?.keysFile) ?? DEFAULT_KEYS_FILE;
  const listen = agreed(urlTargets, 'trust.listen', (t) => t.trust?.listen);
  const tls = agreed(urlTargets, 'trust.tls', (t) => t.trust?.tls) ?? false;
  const keys =
    opts.keys ??
    (urlTargets.length ? await loadOrCreateKeySet(keysFile, 'gauntlet') : await generateKeySet('gauntlet'));
  if (!urlTargets.length) return { keys, close: async () => {} };
  const literal = new Set(urlTargets.map((t) => t.policy.issuer).filter((i) => !i.includes('{{')));
  const [host, port] = listen?.split(':') ?? ['127.0.0.1', '0'];
  const pki = tls ? await createRunPki() : undefined;
  const issuer = await startIssuer({
    keys,
    host: host!,
    port: Number(port),
    ...(pki ? { tls: pki.server } : {}),
    ...(literal.size === 1 ? { issuer: [...literal][0]! } : {}),
  });
  return { keys, issuer, close: () => issuer.close() };
}

import type { ManifestInput } from '../../src/manifest/schema.ts';
import type { CorpusEntry } from './corpus.ts';

export interface CorpusTrust {
  iss: string;
  aud: string;
}

/**
 * The manifest a service owner would write for a corpus server: a running deployment (`url`) that trusts the
 * harness issuer through its exported JWKS file; the policy is the service's documented configuration
 * (issuer, audience, the algorithms of its legitimate tokens), nothing the corpus says about its weaknesses.
 */
export function manifestFor(entry: CorpusEntry, url: string, trust: CorpusTrust): ManifestInput {
  return {
    name: entry.name,
    description: `${entry.library} ${entry.version} (JWT CVE corpus)`,
    launch: { kind: 'url' },
    trust: { issuer: 'harness' },
    policy: {
      issuer: trust.iss,
      audience: trust.aud,
      algorithms: entry.algorithms_accepted as NonNullable<ManifestInput['policy']>['algorithms'],
    },
    channels: { http: { baseUrl: url, health: '/healthz', endpoints: [{ path: '/api/whoami' }] } },
  };
}

import { defineTargets } from '../src/manifest/define.ts';

/**
 * A fleet: several services behind the same issuer, scanned in one run with one harness issuer.
 *
 *   ORDERS_URL=https://127.0.0.1:8443 BILLING_URL=https://127.0.0.1:9443 \
 *     STAGING_ISSUER=https://auth.staging.example npm run scan -- targets/fleet.example.ts
 *
 * Configure every service to trust the harness issuer once: the JWKS file written to `trust.exportJwks`
 * (an RSA key with kid, use "sig" and an x5c certificate, an EC P-256 key, an Ed25519 key), or its JWKS URL
 * http://127.0.0.1:8444/jwks.json while a run is on. The keys stay the same between runs (`trust.keysFile`).
 * Every target of a run shares that one issuer, so `trust` must agree between them: write it once.
 */
const trust = {
  issuer: 'harness',
  listen: '127.0.0.1:8444',
  keysFile: '.gauntlet/fleet-issuer-keys.json',
  exportJwks: '.gauntlet/fleet-jwks.json',
} as const;

const policy = {
  issuer: '{{env.STAGING_ISSUER}}',
  algorithms: ['RS256'],
  maxLeewaySeconds: 60,
} as const;

const limits = { requestTimeoutMs: 5000, maxConcurrency: 4, maxRps: 50 };

export default defineTargets([
  {
    name: 'orders',
    launch: { kind: 'url' },
    trust,
    policy: { ...policy, audience: 'orders-api', algorithms: [...policy.algorithms] },
    channels: {
      http: { baseUrl: '{{env.ORDERS_URL}}', health: '/healthz', endpoints: [{ path: '/api/whoami' }] },
    },
    limits,
  },
  {
    name: 'billing',
    launch: { kind: 'url' },
    trust,
    policy: { ...policy, audience: 'billing-api', algorithms: [...policy.algorithms] },
    channels: {
      http: { baseUrl: '{{env.BILLING_URL}}', health: '/healthz', endpoints: [{ path: '/api/whoami' }] },
    },
    limits,
    // findings the team has accepted, with a justification and an expiry: see the README, "Accepted findings"
    acceptedFindings: 'targets/fleet.example.accepted.json',
  },
]);

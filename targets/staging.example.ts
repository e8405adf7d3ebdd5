import { defineTarget } from '../src/manifest/define.ts';

/**
 * A deployment that is already running (launch kind `url`), e.g. staging. Copy this file, set the
 * environment variables, and configure the service to trust the harness issuer: either its JWKS URL
 * (trust.listen, reachable from the service) or the exported JWKS file (trust.exportJwks).
 *
 *   STAGING_RS_URL=https://127.0.0.1:8443 STAGING_ISSUER=https://auth.staging.example \
 *     GAUNTLET_TARGET=targets/staging.example.ts npm test
 */
export default defineTarget({
  name: 'staging',
  launch: { kind: 'url' },
  trust: {
    issuer: 'harness',
    listen: '127.0.0.1:8444',
    tls: false,
    keysFile: '.gauntlet/staging-issuer-keys.json',
    exportJwks: '.gauntlet/staging-jwks.json',
  },
  policy: {
    issuer: '{{env.STAGING_ISSUER}}',
    audience: 'orders-api',
    algorithms: ['RS256'],
    maxLeewaySeconds: 60,
    typ: 'at+jwt',
  },
  channels: {
    http: {
      baseUrl: '{{env.STAGING_RS_URL}}',
      health: '/healthz',
      endpoints: [{ method: 'GET', path: '/api/whoami' }],
    },
  },
  limits: { requestTimeoutMs: 5000, maxConcurrency: 4, maxRps: 50 },
  // With a client of your authorization server the harness also obtains real tokens (issuer, OAuth2 and
  // revocation attacks; it only ever revokes tokens it obtained). Endpoints come from the AS metadata.
  // authServer: {
  //   issuer: '{{env.STAGING_ISSUER}}',
  //   ca: '.gauntlet/staging-ca.crt',
  //   clients: [{ id: 'auth-gauntlet', secret: '{{env.STAGING_CLIENT_SECRET}}', scope: 'orders:read' }],
  // },
});

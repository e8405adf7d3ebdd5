import { defineTarget } from '../src/manifest/define.ts';

/**
 * The bundled reference system (targets/reference, Go): Redis, the authorization server and the resource
 * server, started in Testcontainers with host networking. The AS signs with keys the harness generated for
 * the run (`keys:signing.json`), so the harness can both obtain real tokens and mint its own; the RS reads
 * the same public keys from the harness issuer's JWKS, where the harness counts its fetches.
 * `VULN=alg_none,skip_aud npm test` switches on known mistakes (see REFERENCE.md and the README).
 */
export default defineTarget({
  name: 'reference',
  description:
    'Bundled Go reference system: authorization server, resource server (golang-jwt/jwt/v5), Redis',
  launch: {
    kind: 'containers',
    network: 'host',
    services: {
      redis: {
        image: 'auth-gauntlet/redis:local',
        command: ['--port', '{{port.redis}}', '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
        wait: { log: 'Ready to accept connections', timeoutSeconds: 20 },
        role: 'revocation-store',
      },
      authserver: {
        image: 'auth-gauntlet/reference-authserver:dev',
        env: {
          LISTEN_ADDR: '127.0.0.1:{{port.authserver}}',
          TLS_CERT_FILE: '/pki/server.crt',
          TLS_KEY_FILE: '/pki/server.key',
          ISSUER: '{{policy.issuer}}',
          SIGNING_KEYS_FILE: '/keys/signing.json',
          SIGNING_ALG: 'RS256',
          CLIENTS: JSON.stringify([
            {
              client_id: 'gauntlet',
              client_secret: '{{secret.client}}',
              scopes: ['orders:read', 'orders:write'],
              audiences: ['orders-api'],
            },
          ]),
          REDIS_ADDR: '127.0.0.1:{{port.redis}}',
          VULN: '{{vuln}}',
        },
        files: {
          '/pki/server.crt': 'pki:server.crt',
          '/pki/server.key': 'pki:server.key',
          '/keys/signing.json': 'keys:signing.json',
        },
        dependsOn: ['redis'],
        wait: { log: 'authserver ready', timeoutSeconds: 20 },
      },
      resource: {
        image: 'auth-gauntlet/reference-resource:dev',
        env: {
          LISTEN_ADDR: '127.0.0.1:{{port.resource}}',
          TLS_CERT_FILE: '/pki/server.crt',
          TLS_KEY_FILE: '/pki/server.key',
          JWKS_URL: '{{issuer.jwks_uri}}',
          JWKS_CA_FILE: '/pki/ca.crt',
          EXPECTED_ISS: '{{policy.issuer}}',
          EXPECTED_AUD: '{{policy.audience}}',
          ALLOWED_ALGS: 'RS256,ES256,EdDSA',
          LEEWAY_SECONDS: '30',
          REQUIRED_TYP: 'at+jwt',
          REDIS_ADDR: '127.0.0.1:{{port.redis}}',
          VULN: '{{vuln}}',
        },
        files: {
          '/pki/server.crt': 'pki:server.crt',
          '/pki/server.key': 'pki:server.key',
          '/pki/ca.crt': 'pki:ca.crt',
        },
        dependsOn: ['redis'],
        wait: { log: 'resource ready', timeoutSeconds: 20 },
      },
    },
  },
  trust: { issuer: 'harness' },
  policy: {
    issuer: 'https://127.0.0.1:{{port.authserver}}',
    audience: 'orders-api',
    algorithms: ['RS256', 'ES256', 'EdDSA'],
    maxLeewaySeconds: 60,
    typ: 'at+jwt',
    rejectFutureIat: true,
    maxTokenLifetimeSeconds: 1800,
  },
  authServer: {
    issuer: '{{policy.issuer}}',
    ca: 'pki:ca.crt',
    clients: [
      {
        id: 'gauntlet',
        secret: '{{secret.client}}',
        auth: 'client_secret_basic',
        scope: 'orders:read orders:write',
        audienceParam: 'resource',
      },
    ],
  },
  channels: {
    http: {
      baseUrl: 'https://127.0.0.1:{{port.resource}}',
      ca: 'pki:ca.crt',
      health: '/healthz',
      endpoints: [
        { method: 'GET', path: '/api/whoami' },
        { method: 'GET', path: '/api/orders', scope: 'orders:read' },
        { method: 'POST', path: '/api/orders', scope: 'orders:write' },
        { method: 'GET', path: '/api/admin', scope: 'admin' },
      ],
    },
  },
});

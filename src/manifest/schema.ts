import { z } from 'zod';

const name = z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lower-case letters, digits, _ and - only');
/** a target name may also carry a version, e.g. `jsonwebtoken-9.0.3` */
const targetName = z
  .string()
  .regex(/^[a-z][a-z0-9._-]*$/, 'lower-case letters, digits, ., _ and - only, starting with a letter');
const jwsAlg = z.enum(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA']);

const waitSchema = z.union([
  z.strictObject({ log: z.string().min(1), timeoutSeconds: z.number().positive().default(30) }),
  z.strictObject({ http: z.string().min(1), timeoutSeconds: z.number().positive().default(30) }),
]);

const serviceSchema = z.strictObject({
  image: z.string().min(1),
  command: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  /** container path → `pki:<file>` (generated per run) or a host path */
  files: z.record(z.string(), z.string()).default({}),
  /** bridge mode only: the ports the service listens on inside its container, by name */
  ports: z.record(z.string(), z.number().int().positive()).default({}),
  aliases: z.array(z.string()).default([]),
  dependsOn: z.array(z.string()).default([]),
  wait: waitSchema.optional(),
  /**
   * what the service is to the harness: `revocation-store` (e.g. Redis) may be paused for a moment to see
   * whether the resource server fails closed while its revocation list is unreachable (capability `outage`)
   */
  role: z.enum(['revocation-store']).optional(),
});

const launchSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('containers'),
    /** host: every service listens on 127.0.0.1 at a port the harness picks. bridge: published ports. */
    network: z.enum(['host', 'bridge']).default('host'),
    services: z.record(name, serviceSchema).refine((s) => Object.keys(s).length > 0, 'at least one service'),
  }),
  z.strictObject({ kind: z.literal('url') }),
]);

const endpointSchema = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  path: z.string().startsWith('/'),
  /** the scope the endpoint requires, space separated; omitted: any valid token */
  scope: z.string().optional(),
});

const httpChannelSchema = z.strictObject({
  baseUrl: z.string().min(1),
  /** PEM CA that signs the target's server certificate: `pki:ca.crt`, a file path, or omitted for the system store */
  ca: z.string().optional(),
  health: z.string().startsWith('/').optional(),
  endpoints: z.array(endpointSchema).min(1),
});

const policySchema = z.strictObject({
  issuer: z.string().min(1),
  audience: z.string().min(1),
  algorithms: z.array(jwsAlg).min(1),
  maxLeewaySeconds: z.number().int().min(0).max(300).default(60),
  typ: z.string().optional(),
  /** whether RFC 6750 query/form transport is allowed (it should not be) */
  allowQueryToken: z.boolean().default(false),
  /** the target claims to refuse tokens whose iat lies in the future (RFC 7519 does not require it) */
  rejectFutureIat: z.boolean().default(false),
  /** the longest access-token lifetime (exp − iat) the AS may issue */
  maxTokenLifetimeSeconds: z.number().int().positive().max(86_400).default(3600),
});

const trustSchema = z.strictObject({
  /** the target trusts the harness issuer: the harness can mint tokens it accepts (capability `mint`) */
  issuer: z.literal('harness'),
  /** url targets: where the harness issuer listens, so a deployment can fetch its JWKS */
  listen: z
    .string()
    .regex(/^127\.0\.0\.1:\d+$/, 'must be 127.0.0.1:<port>')
    .optional(),
  /** serve the issuer over HTTPS (default: yes for containers targets, no for url targets) */
  tls: z.boolean().optional(),
  /** where to keep the issuer's keys across runs (url targets must trust the same key every run) */
  keysFile: z.string().optional(),
  /** write the public JWKS here, for a deployment configured with a JWKS file */
  exportJwks: z.string().optional(),
});

const clientSchema = z.strictObject({
  id: z.string().min(1),
  /** `{{secret.NAME}}` (generated per run and handed to a launched AS) or `{{env.NAME}}`; never reported */
  secret: z.string().min(1),
  auth: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
  /** the scopes the client is registered for, space separated: what it asks for, and what it must not exceed */
  scope: z.string().optional(),
  /** how to ask for policy.audience at the token endpoint: RFC 8707 `resource`, `audience`, or not at all */
  audienceParam: z.enum(['resource', 'audience', 'none']).default('none'),
});

/**
 * The target's authorization server (capability `obtain`: real tokens by client_credentials). Endpoints
 * come from its RFC 8414 metadata at launch unless given here.
 */
const authServerSchema = z.strictObject({
  /** issuer identifier; metadata at <issuer>/.well-known/oauth-authorization-server (or openid-configuration) */
  issuer: z.string().min(1),
  /** PEM CA for the AS's TLS certificate: `pki:ca.crt`, a file path, or omitted for the system store */
  ca: z.string().optional(),
  tokenEndpoint: z.string().optional(),
  revocationEndpoint: z.string().optional(),
  introspectionEndpoint: z.string().optional(),
  jwksUri: z.string().optional(),
  clients: z.array(clientSchema).min(1),
});

const limitsSchema = z.strictObject({
  requestTimeoutMs: z.number().int().positive().max(60_000).default(5000),
  maxConcurrency: z.number().int().positive().max(64).default(8),
  maxRps: z.number().positive().max(10_000).default(200),
});

/**
 * Load (benchmarks): a url target is never load-tested unless it opts in, with bounds the bench never exceeds.
 * A containers target started by the harness on 127.0.0.1 is the project's own and may be load-tested
 * unless this says `allowed: false`.
 */
const loadSchema = z.strictObject({
  allowed: z.boolean(),
  /** requests per second over all connections, never exceeded (warm-up included) */
  maxRps: z.number().int().positive().max(1_000_000).optional(),
  /** seconds of load in one bench run, all scenarios, warm-ups and repeats included */
  maxSeconds: z.number().int().positive().max(3600).optional(),
  /** concurrent connections (default 16; also capped by maxRps) */
  connections: z.number().int().positive().max(1024).optional(),
});

const manifestObject = z.strictObject({
  name: targetName,
  description: z.string().optional(),
  launch: launchSchema,
  trust: trustSchema.optional(),
  policy: policySchema,
  authServer: authServerSchema.optional(),
  channels: z
    .strictObject({ http: httpChannelSchema.optional() })
    .refine((c) => c.http, 'at least one channel'),
  limits: limitsSchema.default({ requestTimeoutMs: 5000, maxConcurrency: 8, maxRps: 200 }),
  /** JSON file of accepted findings (attack id, justification, optional expiry), relative to the working directory */
  acceptedFindings: z.string().min(1).optional(),
  load: loadSchema.optional(),
});

/** A url target that allows load must say how much. */
export const manifestSchema = manifestObject.superRefine((m, ctx) => {
  if (m.launch.kind !== 'url' || !m.load?.allowed) return;
  for (const key of ['maxRps', 'maxSeconds'] as const) {
    if (m.load[key] === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['load', key],
        message: `a url target that allows load must bound it: set load.${key}`,
      });
  }
});

export type ManifestInput = z.input<typeof manifestSchema>;
export type Manifest = z.output<typeof manifestSchema>;
export type ServiceSpec = z.output<typeof serviceSchema>;
export type Endpoint = z.output<typeof endpointSchema>;
export type HttpChannelSpec = z.output<typeof httpChannelSchema>;
export type Policy = z.output<typeof policySchema>;
/** container id of each launched service that has a role, by role */
export type ServiceRoles = Partial<Record<NonNullable<ServiceSpec['role']>, string>>;
export type AuthServerSpec = z.output<typeof authServerSchema>;
export type ClientSpec = z.output<typeof clientSchema>;
export type LoadSpec = z.output<typeof loadSchema>;
export type JwsAlg = z.infer<typeof jwsAlg>;
export const JWS_ALGS = jwsAlg.options;

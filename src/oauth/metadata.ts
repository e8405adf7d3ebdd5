import { Agent, request } from 'undici';
import { z } from 'zod';
import { GauntletError } from '../errors.ts';
import type { AuthServerSpec } from '../manifest/schema.ts';

/** RFC 8414 §2: the members the harness uses (others are kept out of its way). */
const metadataSchema = z.looseObject({
  issuer: z.string(),
  token_endpoint: z.string().optional(),
  jwks_uri: z.string().optional(),
  revocation_endpoint: z.string().optional(),
  introspection_endpoint: z.string().optional(),
});

const WELL_KNOWN = ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration'];

/**
 * The AS's endpoints: what the manifest gives, the rest from its metadata (RFC 8414 §3; the `issuer` member
 * must equal the issuer identifier, §3.3). An AS that cannot be reached is one readable error.
 */
export async function resolveAuthServer(spec: AuthServerSpec, ca?: string): Promise<AuthServerSpec> {
  if (spec.tokenEndpoint && spec.jwksUri) return spec;
  const agent = new Agent({ connect: { ...(ca ? { ca } : {}), timeout: 5000 }, allowH2: false });
  const issuer = spec.issuer.replace(/\/$/, '');
  const tried: string[] = [];
  try {
    for (const path of WELL_KNOWN) {
      const url = `${issuer}${path}`;
      try {
        const res = await request(url, { dispatcher: agent, headersTimeout: 5000, bodyTimeout: 5000 });
        if (res.statusCode !== 200) {
          await res.body.dump();
          tried.push(`${url}: HTTP ${res.statusCode}`);
          continue;
        }
        const parsed = metadataSchema.safeParse(await res.body.json());
        if (!parsed.success) {
          tried.push(`${url}: not RFC 8414 metadata (${parsed.error.issues[0]?.message})`);
          continue;
        }
        const md = parsed.data;
        if (md.issuer !== spec.issuer)
          throw new GauntletError(
            `authorization server metadata at ${url} names issuer '${md.issuer}', not '${spec.issuer}' (RFC 8414 §3.3): fix authServer.issuer`,
          );
        const tokenEndpoint = spec.tokenEndpoint ?? md.token_endpoint;
        if (!tokenEndpoint)
          throw new GauntletError(`${url} has no token_endpoint: set authServer.tokenEndpoint`);
        const pick = (given: string | undefined, found: string | undefined) => given ?? found;
        const revocationEndpoint = pick(spec.revocationEndpoint, md.revocation_endpoint);
        const introspectionEndpoint = pick(spec.introspectionEndpoint, md.introspection_endpoint);
        const jwksUri = pick(spec.jwksUri, md.jwks_uri);
        return {
          ...spec,
          tokenEndpoint,
          ...(revocationEndpoint ? { revocationEndpoint } : {}),
          ...(introspectionEndpoint ? { introspectionEndpoint } : {}),
          ...(jwksUri ? { jwksUri } : {}),
        };
      } catch (err) {
        if (err instanceof GauntletError) throw err;
        const e = err as Error & { code?: string; cause?: { code?: string } };
        tried.push(`${url}: ${e.cause?.code ?? e.code ?? e.message}`);
      }
    }
  } finally {
    await agent.close();
  }
  throw new GauntletError(
    `authorization server '${spec.issuer}' is unreachable or publishes no metadata (${tried.join('; ')}). ` +
      'Check authServer.issuer and authServer.ca, or give authServer.tokenEndpoint and authServer.jwksUri.',
  );
}

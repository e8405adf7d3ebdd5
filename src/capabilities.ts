import type { Manifest } from './manifest/schema.ts';

/** What the harness can do against a target; every attack declares what it needs. */
export type Capability =
  | 'mint'
  | 'obtain'
  | 'revoke'
  | 'outage'
  | 'rotate'
  | 'http'
  | 'grpc'
  | 'mtls'
  | 'load';

export const CAPABILITY_REASON: Record<Capability, string> = {
  mint: "the target does not trust a key the harness holds (manifest: trust.issuer = 'harness')",
  obtain: 'the harness cannot obtain real tokens from the target AS (manifest: authServer with a client)',
  revoke: 'the target AS has no revocation endpoint (RFC 7009) the harness can use',
  outage:
    "the harness cannot take the target's revocation store offline (containers launch, a service with role 'revocation-store')",
  rotate: 'the harness cannot rotate the keys the target trusts',
  http: 'the target has no HTTP channel',
  grpc: 'the target has no gRPC channel',
  mtls: 'the target declares no mutual-TLS material',
  load: 'load is not allowed for this target (manifest: load.allowed)',
};

export function capabilitiesOf(m: Manifest): Set<Capability> {
  const caps = new Set<Capability>();
  if (m.trust?.issuer === 'harness') caps.add('mint');
  if (m.channels.http) caps.add('http');
  if (m.authServer) caps.add('obtain');
  if (m.authServer?.revocationEndpoint) caps.add('revoke');
  if (loadAllowed(m)) caps.add('load');
  return caps;
}

/**
 * Load tests: a url target (a running deployment) only when its manifest opts in (`load.allowed`, with bounds);
 * a containers target, started by the harness on 127.0.0.1, is the project's own unless it says `allowed: false`.
 */
export function loadAllowed(m: Manifest): boolean {
  return m.load ? m.load.allowed : m.launch.kind === 'containers';
}

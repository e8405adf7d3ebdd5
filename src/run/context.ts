import { Agent, request } from 'undici';
import { TokenFactory } from '../../fixtures/forge/factory.ts';
import { generateKeySet, type KeySet } from '../../fixtures/issuer/keys.ts';
import { HITS_PATH, type IssuerServer, startIssuer } from '../../fixtures/issuer/server.ts';
import { capabilitiesOf } from '../capabilities.ts';
import type { AttackContext, Channel } from '../catalog/types.ts';
import type { RunningTarget } from '../launch/launch.ts';
import { whileFrozen } from '../launch/outage.ts';
import type { Endpoint, Manifest, ServiceRoles } from '../manifest/schema.ts';
import { oauthClientFor } from '../oauth/client.ts';
import { HttpProbe } from '../probe/http.ts';
import { Limiter } from '../probe/limiter.ts';
import { fetchServerCertificate } from '../probe/tls-cert.ts';
import { registerSecrets } from '../report/secrets.ts';
import type { Exchange } from '../verdict/types.ts';

export interface ContextInput {
  manifest: Manifest;
  trusted?: KeySet;
  attacker?: KeySet;
  httpCa?: string;
  issuer?: IssuerServer;
  /** the harness issuer's address when it runs in another process (vitest's main process) */
  issuerBase?: string;
  /** share one factory between targets with the same policy and keys: each distinct token is signed once */
  tokens?: TokenFactory;
  /** PEM CA for the authorization server */
  asCa?: string;
  /** container ids of the target's services by role (launched targets) */
  roles?: ServiceRoles;
}

let attackerKeys: Promise<KeySet> | undefined;
/** Keys no target has ever been told about; one set per process is enough. */
export function attackerKeySet(): Promise<KeySet> {
  attackerKeys ??= generateKeySet('attacker');
  return attackerKeys;
}

let attackerServer: Promise<IssuerServer> | undefined;
/** The attacker's own web server on 127.0.0.1 (jku/x5u targets); one per process, closed at exit. */
function sharedAttackerServer(): Promise<IssuerServer> {
  attackerServer ??= attackerKeySet().then(async (keys) => {
    return startIssuer({ keys, issuer: 'https://attacker.invalid', unref: true });
  });
  return attackerServer;
}

/** The endpoint token attacks use: the first one that needs no particular scope, else the first. */
export function primaryEndpoint(endpoints: Endpoint[]): Endpoint {
  return endpoints.find((e) => !e.scope) ?? endpoints[0]!;
}

/** What a launched target gives a context: its resolved manifest, CAs, service roles and issuer. */
export function launchedInput(
  running: RunningTarget,
  opts: { withIssuer?: boolean } = { withIssuer: true },
): ContextInput {
  return {
    manifest: running.manifest,
    ...(running.httpCa ? { httpCa: running.httpCa } : {}),
    ...(running.asCa ? { asCa: running.asCa } : {}),
    roles: running.roles,
    ...(opts.withIssuer && running.issuer ? { issuer: running.issuer } : {}),
  };
}

export interface RunContext extends AttackContext {
  close(): Promise<void>;
}

/** Wires a launched target into what attacks see: channels with their probes, tokens, controls. */
export async function createContext(input: ContextInput): Promise<RunContext> {
  const m = input.manifest;
  const limiter = new Limiter(m.limits.maxConcurrency, m.limits.maxRps);
  const tokens =
    input.tokens ??
    new TokenFactory({
      policy: m.policy,
      trusted: input.trusted ?? (await generateKeySet('untrusted')),
      attacker: input.attacker ?? (await attackerKeySet()),
    });
  const probes: HttpProbe[] = [];
  const channels: Channel[] = [];
  const endpointChannels: Channel[] = [];
  if (m.channels.http) {
    const probe = new HttpProbe({
      baseUrl: m.channels.http.baseUrl,
      ...(input.httpCa ? { ca: input.httpCa } : {}),
      timeoutMs: m.limits.requestTimeoutMs,
      limiter,
    });
    probes.push(probe);
    for (const endpoint of m.channels.http.endpoints) {
      endpointChannels.push({
        name: `http ${endpoint.method} ${endpoint.path}`,
        kind: 'http',
        endpoint,
        deliver: (token, label, delivery) => probe.send(endpoint, token, label, delivery),
      });
    }
    channels.push(
      endpointChannels[m.channels.http.endpoints.indexOf(primaryEndpoint(m.channels.http.endpoints))]!,
    );
  }
  let certs: Promise<string[]> | undefined;
  // the harness issuer is served with the run's CA: one agent for every fetch-count question
  const issuerAgent =
    input.issuerBase && input.httpCa ? new Agent({ connect: { ca: input.httpCa } }) : undefined;
  const controlTokens = new Map<string, Promise<string>>();
  const capabilities = capabilitiesOf(m);
  const oauth = oauthClientFor(m, { ca: input.asCa, limiter });
  if (m.authServer) registerSecrets(...m.authServer.clients.map((c) => c.secret));
  const store = input.roles?.['revocation-store'];
  if (store && oauth) capabilities.add('outage');
  return {
    targetName: m.name,
    policy: m.policy,
    capabilities,
    tokens,
    channels,
    endpointChannels,
    ...(input.issuer ? { issuer: input.issuer } : {}),
    attackerServer: sharedAttackerServer,
    async issuerHits(path: string): Promise<number | undefined> {
      if (input.issuer) return input.issuer.hits(path);
      if (!input.issuerBase) return undefined;
      const res = await request(`${input.issuerBase}${HITS_PATH}?path=${encodeURIComponent(path)}`, {
        ...(issuerAgent ? { dispatcher: issuerAgent } : {}),
        headersTimeout: 3000,
        bodyTimeout: 3000,
      });
      return ((await res.body.json()) as { hits: number }).hits;
    },
    tlsCertificates(): Promise<string[]> {
      certs ??= (async () => {
        const pem = m.channels.http ? await fetchServerCertificate(m.channels.http.baseUrl) : undefined;
        return pem ? [pem] : [];
      })();
      return certs;
    },
    async control(channel: Channel): Promise<Exchange> {
      const key = `${channel.kind} ${channel.endpoint.scope ?? ''}`;
      if (!controlTokens.has(key))
        controlTokens.set(key, tokens.valid(channel.endpoint.scope ? { scope: channel.endpoint.scope } : {}));
      return channel.deliver(await controlTokens.get(key)!, 'positive control: valid token');
    },
    ...(oauth ? { oauth } : {}),
    ...(store ? { withRevocationStoreDown: <T>(fn: () => Promise<T>) => whileFrozen(store, fn) } : {}),
    async close() {
      await Promise.all([...probes.map((p) => p.close()), issuerAgent?.close(), oauth?.close()]);
    },
  };
}

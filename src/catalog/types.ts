import type { TokenFactory } from '../../fixtures/forge/factory.ts';
import type { IssuerServer } from '../../fixtures/issuer/server.ts';
import type { Capability } from '../capabilities.ts';
import type { Endpoint, Policy } from '../manifest/schema.ts';
import type { OAuthClient } from '../oauth/client.ts';
import type { HttpDelivery } from '../probe/http.ts';
import type { Exchange, Reference, Severity, Status } from '../verdict/types.ts';

export interface AttackMeta {
  /** stable id, e.g. JWT-ALG-NONE */
  id: string;
  title: string;
  /** suites/<area> */
  area: string;
  severity: Severity;
  /** what a correct resource server does, in one sentence (the report's "expected") */
  expectation: string;
  references: Reference[];
  requires: Capability[];
  /** takes part of the target down for a moment: runs alone, after every other attack */
  exclusive?: boolean;
}

/** A way of delivering a token to one endpoint of the target (HTTP now, gRPC later). */
export interface Channel {
  /** e.g. `http GET /api/whoami` */
  name: string;
  kind: 'http' | 'grpc';
  endpoint: Endpoint;
  deliver(token: string | null, label: string, delivery?: HttpDelivery): Promise<Exchange>;
}

export interface AttackContext {
  targetName: string;
  policy: Policy;
  capabilities: Set<Capability>;
  tokens: TokenFactory;
  /** the primary channel of each kind: where token attacks run */
  channels: Channel[];
  /** every declared endpoint on every channel kind (scope attacks) */
  endpointChannels: Channel[];
  issuer?: IssuerServer;
  /** a server on 127.0.0.1 the attacker controls (jku/x5u targets), started on first use */
  attackerServer(): Promise<IssuerServer>;
  /** how often the target fetched a path of the harness issuer (e.g. /jwks.json); undefined: no issuer */
  issuerHits(path: string): Promise<number | undefined>;
  /** the target's TLS server certificate (PEM) per channel base URL, when it has one */
  tlsCertificates(): Promise<string[]>;
  /** a positive control on a channel: a valid token must be accepted there, now */
  control(channel: Channel): Promise<Exchange>;
  /** a client of the target's authorization server (capability `obtain`) */
  oauth?: OAuthClient;
  /** runs `fn` while the target's revocation store is unreachable (capability `outage`) */
  withRevocationStoreDown?<T>(fn: () => Promise<T>): Promise<T>;
}

export interface AttackResult {
  /** the scripted attack that covers the same flaw (a fuzz finding), whose severity the verdict then takes */
  relatedAttack?: string;
  severity?: Severity;
  /** `skipped` only when the attack does not apply to the declared policy (the reason says why) */
  status: Status;
  reason: string;
  controls: Exchange[];
  evidence: Exchange[];
}

export interface Attack extends AttackMeta {
  run(ctx: AttackContext): Promise<AttackResult>;
}

/** One token an attack sends, and how; every case must be rejected unless it is informational. */
export interface TokenCase {
  label: string;
  token: string;
  delivery?: HttpDelivery;
  /** sent and recorded (e.g. to measure a leeway), but its acceptance is no finding */
  informational?: boolean;
}

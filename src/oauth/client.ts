import { Agent, request } from 'undici';
import type { AuthServerSpec, ClientSpec, Manifest } from '../manifest/schema.ts';
import { flatHeaders, noAnswer } from '../probe/answer.ts';
import type { Limiter } from '../probe/limiter.ts';
import { scrub, tokenEvidence } from '../report/redact.ts';
import type { Exchange, Outcome } from '../verdict/types.ts';

/** Client credentials as sent: the manifest's client, or a deliberately wrong one (client-auth attacks). */
export interface ClientAuth {
  id: string;
  secret: string;
  method: 'client_secret_basic' | 'client_secret_post';
}

export interface OAuthAnswer {
  exchange: Exchange;
  status?: number;
  json?: Record<string, unknown>;
}

export interface Obtained extends OAuthAnswer {
  /** the access token, when the AS issued one */
  token?: string;
}

export interface OAuthClientOptions {
  as: AuthServerSpec;
  client: ClientSpec;
  /** the audience to ask for when the client says how (`audienceParam`) */
  audience: string;
  ca?: string;
  timeoutMs: number;
  limiter: Limiter;
}

const form = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** RFC 6749 §2.3.1: client id and secret are form-urlencoded before they are joined and base64-encoded. */
export function basicAuthorization(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString('base64')}`;
}

function classifyOAuth(
  status: number,
  json: Record<string, unknown> | undefined,
): { outcome: Outcome; why: string } {
  if (status === 200)
    return { outcome: 'accepted', why: 'HTTP 200: the authorization server granted the request' };
  if (status === 400 || status === 401)
    return {
      outcome: 'rejected',
      why: `HTTP ${status}${json?.error ? ` ${String(json.error)}` : ''}: refused`,
    };
  return { outcome: 'error', why: `HTTP ${status} is neither a grant nor an OAuth error response` };
}

/**
 * A confidential client of the target's authorization server: client_credentials tokens (RFC 6749 §4.4),
 * revocation (RFC 7009) and introspection (RFC 7662). Every request is recorded as evidence with the client
 * secret and any token redacted.
 */
export class OAuthClient {
  private readonly agent: Agent;
  private readonly opts: OAuthClientOptions;
  readonly auth: ClientAuth;

  constructor(opts: OAuthClientOptions) {
    this.opts = opts;
    this.auth = { id: opts.client.id, secret: opts.client.secret, method: opts.client.auth };
    this.agent = new Agent({
      connect: { ...(opts.ca ? { ca: opts.ca } : {}), timeout: opts.timeoutMs },
      connections: 4,
      allowH2: false,
    });
  }

  get spec(): AuthServerSpec {
    return this.opts.as;
  }

  /** the scopes the manifest says the client is registered for */
  get registeredScopes(): string[] {
    return this.opts.client.scope?.split(' ').filter(Boolean) ?? [];
  }

  /** A client_credentials token; `scope` as given (undefined: the client's registered scope, if declared). */
  async obtain(label: string, opts: { scope?: string; auth?: ClientAuth | null } = {}): Promise<Obtained> {
    const params: Record<string, string> = { grant_type: 'client_credentials' };
    const scope = opts.scope ?? this.opts.client.scope;
    if (scope) params.scope = scope;
    const audParam = this.opts.client.audienceParam;
    if (audParam !== 'none') params[audParam] = this.opts.audience;
    const answer = await this.post(this.opts.as.tokenEndpoint!, params, label, opts.auth);
    const token = answer.status === 200 ? answer.json?.access_token : undefined;
    if (typeof token === 'string') {
      answer.exchange.token = tokenEvidence(token);
      return { ...answer, token };
    }
    if (answer.exchange.outcome === 'accepted') {
      answer.exchange.outcome = 'error';
      answer.exchange.why = 'HTTP 200 without an access_token';
    }
    return answer;
  }

  /** RFC 7009 §2.1 */
  revoke(token: string, label: string): Promise<OAuthAnswer> {
    if (!this.opts.as.revocationEndpoint)
      throw new Error('the authorization server has no revocation endpoint');
    return this.aboutToken(
      this.opts.as.revocationEndpoint,
      token,
      { token_type_hint: 'access_token' },
      label,
    );
  }

  /** RFC 7662 §2.1 */
  introspect(token: string, label: string): Promise<OAuthAnswer> {
    if (!this.opts.as.introspectionEndpoint)
      throw new Error('the authorization server has no introspection endpoint');
    return this.aboutToken(this.opts.as.introspectionEndpoint, token, {}, label);
  }

  /** A request about one token: the evidence names the token (decoded, fingerprinted), the body hides it. */
  private async aboutToken(
    url: string,
    token: string,
    params: Record<string, string>,
    label: string,
  ): Promise<OAuthAnswer> {
    const answer = await this.post(url, { token, ...params }, label, undefined, [token]);
    answer.exchange.token = tokenEvidence(token);
    return answer;
  }

  /** GET the AS's JWKS (jwks_uri) */
  async jwks(label: string): Promise<OAuthAnswer> {
    const url = this.opts.as.jwksUri;
    if (!url) throw new Error('the authorization server publishes no jwks_uri');
    return this.send('GET', url, {}, undefined, label, []);
  }

  private post(
    url: string,
    params: Record<string, string>,
    label: string,
    auth: ClientAuth | null = this.auth,
    tokens: string[] = [],
  ): Promise<OAuthAnswer> {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    const body = { ...params };
    if (auth?.method === 'client_secret_basic')
      headers.authorization = basicAuthorization(auth.id, auth.secret);
    if (auth?.method === 'client_secret_post')
      Object.assign(body, { client_id: auth.id, client_secret: auth.secret });
    return this.send('POST', url, headers, body, label, [...tokens, ...(auth ? [auth.secret] : [])]);
  }

  private async send(
    method: 'GET' | 'POST',
    url: string,
    headers: Record<string, string>,
    params: Record<string, string> | undefined,
    label: string,
    secrets: string[],
  ): Promise<OAuthAnswer> {
    const known = [...secrets, this.opts.client.secret];
    const shownParams = params
      ? Object.fromEntries(
          Object.entries(params).map(([k, v]) => [
            k,
            k === 'client_secret' || known.includes(v) ? `<redacted ${v.length} chars>` : v,
          ]),
        )
      : undefined;
    const shownHeaders = {
      ...headers,
      ...(headers.authorization ? { authorization: 'Basic <redacted>' } : {}),
    };
    const base: Omit<Exchange, 'outcome' | 'why' | 'ms'> = {
      label,
      channel: `oauth2 ${method} ${new URL(url).pathname}`,
      request: {
        method,
        url,
        headers: shownHeaders,
        ...(shownParams ? { body: form(shownParams) } : {}),
      },
    };
    const started = performance.now();
    try {
      return await this.opts.limiter.run(async () => {
        const res = await request(url, {
          method,
          headers,
          ...(params ? { body: form(params) } : {}),
          dispatcher: this.agent,
          headersTimeout: this.opts.timeoutMs,
          bodyTimeout: this.opts.timeoutMs,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        const text = await res.body.text();
        let json: Record<string, unknown> | undefined;
        try {
          const v: unknown = JSON.parse(text);
          if (v && typeof v === 'object' && !Array.isArray(v)) json = v as Record<string, unknown>;
        } catch {}
        return {
          status: res.statusCode,
          ...(json ? { json } : {}),
          exchange: {
            ...base,
            ...classifyOAuth(res.statusCode, json),
            response: {
              status: res.statusCode,
              headers: flatHeaders(res.headers),
              body: scrub(text.slice(0, 2000), known),
            },
            ms: Math.round(performance.now() - started),
          },
        };
      });
    } catch (err) {
      return { exchange: { ...base, ...noAnswer(err), ms: Math.round(performance.now() - started) } };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

/** The client of a target's AS the harness uses (its first), or none when the manifest names no AS. */
export function oauthClientFor(
  m: Manifest,
  opts: { ca?: string | undefined; limiter: Limiter },
): OAuthClient | undefined {
  const client = m.authServer?.clients[0];
  if (!m.authServer || !client) return undefined;
  return new OAuthClient({
    as: m.authServer,
    client,
    audience: m.policy.audience,
    ...(opts.ca ? { ca: opts.ca } : {}),
    timeoutMs: m.limits.requestTimeoutMs,
    limiter: opts.limiter,
  });
}

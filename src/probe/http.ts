import { Agent, request } from 'undici';
import type { Endpoint } from '../manifest/schema.ts';
import { scrub, tokenEvidence } from '../report/redact.ts';
import type { Exchange, Outcome } from '../verdict/types.ts';
import { flatHeaders, noAnswer } from './answer.ts';
import type { Limiter } from './limiter.ts';

/** How a token travels. Default: `Authorization: Bearer <token>`. */
export interface HttpDelivery {
  /** replaces the default Authorization header; `{token}` is substituted. `[]` sends no Authorization. */
  authorization?: string[];
  query?: Record<string, string>;
  form?: Record<string, string>;
}

export interface HttpProbeOptions {
  baseUrl: string;
  ca?: string;
  timeoutMs: number;
  limiter: Limiter;
}

const REJECT = new Set([401, 403]);
/** refusals of a malformed request: also a rejection, never an acceptance */
const REFUSE = new Set([400, 413, 414, 431]);

export function classifyHttp(status: number): { outcome: Outcome; why: string } {
  if (status >= 200 && status < 300)
    return { outcome: 'accepted', why: `HTTP ${status}: the request was served` };
  if (REJECT.has(status)) return { outcome: 'rejected', why: `HTTP ${status}: refused` };
  if (REFUSE.has(status)) return { outcome: 'rejected', why: `HTTP ${status}: refused as malformed` };
  return { outcome: 'error', why: `HTTP ${status} is neither acceptance nor an authentication refusal` };
}

const BODY_EXCERPT = 2000;

export class HttpProbe {
  private readonly agent: Agent;
  private readonly opts: HttpProbeOptions;

  constructor(opts: HttpProbeOptions) {
    this.opts = opts;
    this.agent = new Agent({
      connect: { ...(opts.ca ? { ca: opts.ca } : {}), rejectUnauthorized: true, timeout: opts.timeoutMs },
      connections: 16,
      // HTTP/1.1: what token middleware is written for, and one refusal per request (an h2 reset would hide it)
      allowH2: false,
      keepAliveTimeout: 10_000,
    });
  }

  /** Sends one request to an endpoint and records it as evidence; never throws. */
  async send(
    endpoint: Endpoint,
    token: string | null,
    label: string,
    delivery: HttpDelivery = {},
  ): Promise<Exchange> {
    const url = new URL(endpoint.path, this.opts.baseUrl);
    for (const [k, v] of Object.entries(delivery.query ?? {}))
      url.searchParams.set(k, v.replace('{token}', token ?? ''));
    const headers: Record<string, string | string[]> = {};
    const auth = delivery.authorization ?? (token === null ? [] : ['Bearer {token}']);
    if (auth.length)
      headers.authorization =
        auth.length === 1
          ? auth[0]!.replace('{token}', token ?? '')
          : auth.map((a) => a.replace('{token}', token ?? ''));
    let body: string | undefined;
    if (delivery.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(
        Object.entries(delivery.form).map(([k, v]): [string, string] => [
          k,
          v.replace('{token}', token ?? ''),
        ]),
      ).toString();
    } else if (endpoint.method !== 'GET' && endpoint.method !== 'DELETE') {
      headers['content-type'] = 'application/json';
      body = '{}';
    }
    const secrets = token ? [token] : [];
    const shownHeaders = Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k, scrub(Array.isArray(v) ? v.join(' | ') : v, secrets)]),
    );
    const shownUrl = scrub(url.toString(), secrets);
    const base = {
      label,
      channel: `http ${endpoint.method} ${endpoint.path}`,
      ...(token !== null ? { token: tokenEvidence(token) } : {}),
      request: { method: endpoint.method, url: shownUrl, headers: shownHeaders },
    };
    const started = performance.now();
    try {
      return await this.opts.limiter.run(async () => {
        const res = await request(url, {
          method: endpoint.method,
          headers,
          body,
          dispatcher: this.agent,
          headersTimeout: this.opts.timeoutMs,
          bodyTimeout: this.opts.timeoutMs,
          signal: AbortSignal.timeout(this.opts.timeoutMs),
        });
        const text = (await res.body.text()).slice(0, BODY_EXCERPT);
        return {
          ...base,
          ...classifyHttp(res.statusCode),
          response: { status: res.statusCode, headers: flatHeaders(res.headers), body: scrub(text, secrets) },
          ms: Math.round(performance.now() - started),
        };
      });
    } catch (err) {
      return { ...base, ...noAnswer(err), ms: Math.round(performance.now() - started) };
    }
  }

  close(): Promise<void> {
    return this.agent.close();
  }
}

import { Agent, request } from 'undici';
import { GauntletError } from '../errors.ts';

/** Waits until `url` gives any HTTP answer below 500; throws a readable error after `timeoutMs`. */
export async function waitForHttp(
  url: string,
  opts: { ca?: string; timeoutMs: number; what: string },
): Promise<void> {
  const agent = new Agent({ connect: { ...(opts.ca ? { ca: opts.ca } : {}), timeout: 2000 } });
  const deadline = Date.now() + opts.timeoutMs;
  let last = '';
  try {
    while (Date.now() < deadline) {
      try {
        const res = await request(url, { dispatcher: agent, headersTimeout: 2000, bodyTimeout: 2000 });
        await res.body.dump();
        if (res.statusCode < 500) return;
        last = `HTTP ${res.statusCode}`;
      } catch (err) {
        const e = err as Error & { code?: string; cause?: { code?: string; message?: string } };
        last = e.cause?.code ?? e.code ?? e.message;
        if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(last)) break;
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  } finally {
    await agent.close();
  }
  throw new GauntletError(
    `${opts.what} does not answer at ${url} (${last || 'timeout'}). Check that it is running and that the URL and TLS settings (channels.http.ca) in the manifest are right.`,
  );
}

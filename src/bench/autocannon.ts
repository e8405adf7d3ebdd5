import autocannon from 'autocannon';
import { newHistogram, record } from './stats.ts';
import type { Measurement } from './types.ts';

/** One load generator instance: the same request over `connections` keep-alive HTTP/1.1 connections. */
export interface LoadJob {
  url: string;
  method: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  /** requests/s cap of this instance (autocannon overallRate); none: as fast as the target answers */
  rate?: number;
  /** PEM CA of the target (autocannon itself does not verify certificates: the bench's pre-flight does) */
  ca?: string;
  timeoutSeconds: number;
}

export interface RunningLoad {
  done: Promise<Measurement>;
  stop(): void;
}

/** Runs autocannon in this thread; latencies are recorded from each response at sub-millisecond resolution. */
export function startLoad(job: LoadJob): RunningLoad {
  const latency = newHistogram();
  let instance: autocannon.Instance | undefined;
  const done = new Promise<Measurement>((resolve, reject) => {
    instance = autocannon(
      {
        url: job.url,
        method: job.method as 'GET',
        headers: job.headers,
        connections: job.connections,
        // a rate-capped client sends each second's quota at the start of the second, timed from its creation:
        // ending 0.15 s early keeps the quota of second N+1 from going out as a run of N seconds ends
        duration: job.rate ? job.seconds - 0.15 : job.seconds,
        timeout: job.timeoutSeconds,
        // autocannon ends a run at its next sample tick after the stop: 100 ms ticks end it on time (1 s ticks
        // could add a second, and with it one more burst of a rate-capped run)
        sampleInt: 100,
        ...(job.rate ? { overallRate: job.rate } : {}),
        ...(job.ca ? { tlsOptions: { ca: job.ca } } : {}),
      },
      (err: unknown, result: autocannon.Result) => {
        if (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
          return;
        }
        const statuses: Record<string, number> = {};
        for (const [code, s] of Object.entries(result.statusCodeStats ?? {}))
          statuses[code] = Number(s?.count ?? 0);
        resolve({
          requests: latency.count,
          // under a rate cap the run spans its whole seconds, bursts included
          seconds: Math.max(result.duration, job.rate ? job.seconds : 0),
          statuses,
          errors: result.errors,
          timeouts: result.timeouts,
          latency,
        });
      },
    );
    instance.on('response', (_client, _status, _bytes, ms) => record(latency, ms));
  });
  return { done, stop: () => instance?.stop() };
}

import { Worker } from 'node:worker_threads';
import { type LoadJob, startLoad } from './autocannon.ts';
import { merge, newHistogram } from './stats.ts';
import type { Measurement } from './types.ts';

const WORKER = new URL('./generator-worker.ts', import.meta.url);

/** Splits n into `parts` whole shares that differ by at most one (each at least 1). */
export function shares(n: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) =>
    Math.max(1, Math.floor(n / parts) + (i < n % parts ? 1 : 0)),
  );
}

/** Several threads' measurements as one: counts add up, rates add up, latency histograms merge. */
export function combine(parts: Measurement[]): Measurement {
  const latency = newHistogram();
  const statuses: Record<string, number> = {};
  let requests = 0;
  let rate = 0;
  for (const p of parts) {
    merge(latency, p.latency);
    for (const [code, n] of Object.entries(p.statuses)) statuses[code] = (statuses[code] ?? 0) + n;
    requests += p.requests;
    if (p.seconds > 0) rate += p.requests / p.seconds;
  }
  return {
    requests,
    // the threads start together and run the same time; the rate is the sum of theirs
    seconds: rate > 0 ? requests / rate : Math.max(0, ...parts.map((p) => p.seconds)),
    statuses,
    errors: parts.reduce((s, p) => s + p.errors, 0),
    timeouts: parts.reduce((s, p) => s + p.timeouts, 0),
    latency,
  };
}

export interface Generation {
  done: Promise<Measurement>;
  /** ends the load now (a hard time bound); `done` still resolves with what was measured */
  stop(): void;
}

/**
 * Runs a load job on `threads` generator threads (1: this thread), the connections and the rate cap shared
 * between them. Worker threads load autocannon first and start together.
 */
export function generate(job: LoadJob, threads: number): Generation {
  const n = Math.max(1, Math.min(threads, job.connections));
  if (n === 1) return startLoad(job);
  const conns = shares(job.connections, n);
  const rates = job.rate ? shares(job.rate, n) : [];
  const workers = conns.map(
    (connections, i) =>
      new Worker(WORKER, { workerData: { ...job, connections, ...(job.rate ? { rate: rates[i] } : {}) } }),
  );
  let stopped = false;
  const ready = Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((ok, fail) => {
          w.once('message', () => ok());
          w.once('error', fail);
        }),
    ),
  );
  const done = (async () => {
    try {
      await ready;
      if (stopped) return combine([]);
      const results = workers.map(
        (w) =>
          new Promise<Measurement>((ok, fail) => {
            w.on('message', (msg: { ok?: Measurement; error?: string }) =>
              msg.ok ? ok(msg.ok) : fail(new Error(msg.error ?? 'generator thread failed')),
            );
            w.once('error', fail);
            w.once('exit', (code) => fail(new Error(`generator thread exited (${code}) before its result`)));
          }),
      );
      for (const w of workers) w.postMessage('start');
      return combine(await Promise.all(results));
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  })();
  return {
    done,
    stop: () => {
      stopped = true;
      for (const w of workers) w.postMessage('stop');
    },
  };
}

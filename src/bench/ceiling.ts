import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createRunPki } from '../../fixtures/pki/ca.ts';
import { boundBy, withCpuBusy } from './cpu-busy.ts';
import { pinProcess, type SplitCpus } from './cpus.ts';
import { generate } from './generator.ts';
import { latencyFigures } from './stats.ts';
import type { GeneratorCeiling } from './types.ts';

const SERVER = new URL('./ceiling-server.ts', import.meta.url);

export interface CeilingOptions {
  tls: boolean;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  threads: number;
  /** a split placement: the trivial server runs on the target's CPUs, and both are metered */
  cpus?: SplitCpus;
}

/**
 * The load generator's ceiling on this machine: the same settings (connections, threads, TLS or not) against
 * a trivial server in a process of its own (ceiling-server.ts). A target figure near it measures the generator.
 */
export async function measureCeiling(opts: CeilingOptions): Promise<GeneratorCeiling> {
  const pki = opts.tls ? await createRunPki() : undefined;
  const child = spawn(process.execPath, [fileURLToPath(SERVER)], {
    env: {
      ...process.env,
      ...(pki ? { BENCH_TLS_CERT: pki.server.certPem, BENCH_TLS_KEY: pki.server.keyPem } : {}),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    if (opts.cpus && child.pid) pinProcess(child.pid, opts.cpus.target);
    const port = await new Promise<number>((ok, fail) => {
      let out = '';
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n') && line) ok((JSON.parse(line) as { port: number }).port);
      });
      child.once('error', fail);
      child.once('exit', (code) => fail(new Error(`the ceiling server exited (${code})`)));
    });
    const job = {
      url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}/`,
      method: 'GET',
      headers: {},
      connections: opts.connections,
      timeoutSeconds: 10,
      ...(pki ? { ca: pki.ca.certPem } : {}),
    };
    if (opts.warmupSeconds > 0) await generate({ ...job, seconds: opts.warmupSeconds }, opts.threads).done;
    const [m, cpuBusy] = await withCpuBusy(
      opts.cpus,
      () => generate({ ...job, seconds: opts.seconds }, opts.threads).done,
    );
    return {
      rps: m.seconds > 0 ? m.requests / m.seconds : 0,
      latencyMs: latencyFigures(m.latency),
      server: `canned 200 over node:${opts.tls ? 'tls' : 'net'}, 1 process${opts.cpus ? ` on CPU ${opts.cpus.target}` : ''}`,
      ...(cpuBusy ? { cpuBusy, serverBound: boundBy(cpuBusy) === 'target' } : {}),
    };
  } finally {
    child.stdin!.end();
    child.kill('SIGTERM');
  }
}

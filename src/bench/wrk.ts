import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { GauntletError } from '../errors.ts';

export interface WrkResult {
  rps: number;
  requests: number;
  latencyMs: { p50?: number; p90?: number; p99?: number; max?: number };
  /** "Non-2xx or 3xx responses" */
  non2xx: number;
  socketErrors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function duration(text: string | undefined): number | undefined {
  const m = text?.match(/^([\d.]+)(us|ms|s|m)$/);
  return m ? Number(m[1]) * UNIT_MS[m[2]!]! : undefined;
}

/** Reads wrk's text output (run with --latency). */
export function parseWrk(out: string): WrkResult {
  const rps = out.match(/Requests\/sec:\s+([\d.]+)/);
  if (!rps) throw new Error(`wrk printed no Requests/sec:\n${out.slice(0, 500)}`);
  const pct = (p: string) => duration(out.match(new RegExp(`^\\s+${p}%\\s+(\\S+)`, 'm'))?.[1]);
  const latencyLine = out.match(/^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)/m);
  const errors = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const latencyMs: WrkResult['latencyMs'] = {};
  const [p50, p90, p99, max] = [pct('50'), pct('90'), pct('99'), duration(latencyLine?.[3])];
  if (p50 !== undefined) latencyMs.p50 = p50;
  if (p90 !== undefined) latencyMs.p90 = p90;
  if (p99 !== undefined) latencyMs.p99 = p99;
  if (max !== undefined) latencyMs.max = max;
  return {
    rps: Number(rps[1]),
    requests: Number(out.match(/(\d+) requests in/)?.[1] ?? 0),
    latencyMs,
    non2xx: Number(out.match(/Non-2xx or 3xx responses:\s+(\d+)/)?.[1] ?? 0),
    socketErrors: errors ? errors.slice(1).reduce((s, n) => s + Number(n), 0) : 0,
  };
}

function onPath(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Makes sure `wrk` is installed: as root on Debian it installs the package, otherwise it says what to do. */
export function ensureWrk(log: (line: string) => void): void {
  if (onPath('wrk')) return;
  const root = process.getuid?.() === 0;
  if (root && existsSync('/etc/debian_version')) {
    log('wrk is not installed: apt-get install -y wrk');
    execFileSync('apt-get', ['install', '-y', 'wrk'], { stdio: 'inherit', timeout: 300_000 });
    if (onPath('wrk')) return;
  }
  throw new GauntletError(
    'wrk is not installed. On Debian or Ubuntu: apt-get install wrk (as root); elsewhere see https://github.com/wg/wrk',
  );
}

export interface WrkJob {
  url: string;
  headers: Record<string, string>;
  connections: number;
  threads: number;
  seconds: number;
}

/** Runs wrk once (it does not verify TLS certificates either). */
export function runWrk(job: WrkJob): Promise<WrkResult> {
  const args = [
    `-t${Math.min(job.threads, job.connections)}`,
    `-c${job.connections}`,
    `-d${job.seconds}s`,
    '--latency',
    ...Object.entries(job.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]),
    job.url,
  ];
  return new Promise((ok, fail) => {
    const p = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.once('error', fail);
    p.once('close', (code) => {
      if (code !== 0) return fail(new Error(`wrk exited ${code}: ${out.slice(0, 300)}`));
      try {
        ok(parseWrk(out));
      } catch (err) {
        fail(err as Error);
      }
    });
  });
}

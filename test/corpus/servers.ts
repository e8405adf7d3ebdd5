import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';

export interface CorpusServers {
  /** entry name → base URL on 127.0.0.1 */
  urls: Record<string, string>;
  stop(): Promise<void>;
}

export interface StartOptions {
  /** the prepared corpus work folder */
  dir: string;
  jwksFile: string;
  iss: string;
  aud: string;
  /** how many entries the corpus has: the ports base … base+count-1 must be free */
  count: number;
  timeoutMs?: number;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A base port whose next `count` ports are free on 127.0.0.1 now (run-servers gives entry i base+i). */
async function freeRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * (40_000 - count));
    let ok = true;
    for (let p = base; ok && p < base + count; p++) ok = await portFree(p);
    if (ok) return base;
  }
  throw new Error(`corpus: found no ${count} consecutive free ports on 127.0.0.1`);
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    // run-servers stops its servers on SIGTERM (and SIGKILLs them after 3 s); SIGKILL it only if it hangs
    const kill = setTimeout(() => child.kill('SIGKILL'), 6000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Starts run-servers.mjs once; resolves with its JSON line of URLs, rejects with its stderr. */
function startOnce(
  opts: StartOptions,
  basePort: number,
): Promise<{ child: ChildProcess; urls: Record<string, string> }> {
  const child = spawn(
    process.execPath,
    [
      'run-servers.mjs',
      '--jwks',
      opts.jwksFile,
      '--iss',
      opts.iss,
      '--aud',
      opts.aud,
      '--base-port',
      String(basePort),
      '--strict',
    ],
    { cwd: opts.dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stopChild(child).then(() =>
        reject(new Error(`corpus: run-servers.mjs ${why}\n${err.trim().split('\n').slice(-10).join('\n')}`)),
      );
    };
    const timer = setTimeout(
      () => fail(`printed no URLs within ${opts.timeoutMs ?? 60_000} ms`),
      opts.timeoutMs ?? 60_000,
    );
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{') && l.endsWith('}'));
      if (!line || settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout!.removeAllListeners('data');
      child.stdout!.resume();
      resolve({ child, urls: JSON.parse(line) as Record<string, string> });
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.once('error', (e) => fail(`could not start: ${e.message}`));
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before its servers were up`));
  });
}

/**
 * Starts every corpus server with the corpus's own run-servers.mjs (strict: all or nothing) on free ports of
 * 127.0.0.1, and stops them when asked, when this process exits, or on Ctrl-C / SIGTERM.
 */
export async function startCorpusServers(opts: StartOptions): Promise<CorpusServers> {
  let last: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    let started: { child: ChildProcess; urls: Record<string, string> };
    try {
      started = await startOnce(opts, await freeRange(opts.count));
    } catch (err) {
      last = err; // most likely a port taken between the check and the start: try another range
      continue;
    }
    const { child, urls } = started;
    const onExit = () => void child.kill('SIGTERM');
    const onSignal = (sig: NodeJS.Signals) => {
      void stopChild(child).then(() => process.exit(sig === 'SIGINT' ? 130 : 143));
    };
    process.once('exit', onExit);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    return {
      urls,
      async stop() {
        process.off('exit', onExit);
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        await stopChild(child);
      },
    };
  }
  throw last;
}

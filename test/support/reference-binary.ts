import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { freePort } from '../../src/launch/ports.ts';

export interface ReferenceProcess {
  url: string;
  process: ChildProcess;
  stop(): void;
}

/**
 * Starts the reference resource server binary directly (as a deployment the harness did not start: a `url`
 * target), with the PKI files in `pkiDir` (server.crt, server.key), and waits for its ready line.
 */
export async function startReferenceBinary(opts: {
  pkiDir: string;
  jwksUri: string;
  issuer: string;
  vuln?: string;
}): Promise<ReferenceProcess> {
  const port = await freePort();
  const rs = spawn('targets/reference/dist/resource', [], {
    env: {
      LISTEN_ADDR: `127.0.0.1:${port}`,
      TLS_CERT_FILE: join(opts.pkiDir, 'server.crt'),
      TLS_KEY_FILE: join(opts.pkiDir, 'server.key'),
      JWKS_URL: opts.jwksUri,
      EXPECTED_ISS: opts.issuer,
      EXPECTED_AUD: 'orders-api',
      ...(opts.vuln ? { VULN: opts.vuln } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((ok, fail) => {
    rs.stdout!.on('data', (d: Buffer) => d.toString().includes('resource ready') && ok());
    rs.on('error', fail);
    rs.on('exit', (code) => fail(new Error(`resource exited ${code}`)));
  });
  return { url: `https://127.0.0.1:${port}`, process: rs, stop: () => void rs.kill('SIGTERM') };
}

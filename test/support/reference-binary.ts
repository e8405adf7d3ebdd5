import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeySet, serializeKeySet } from '../../fixtures/issuer/keys.ts';
import { type IssuerServer, startIssuer } from '../../fixtures/issuer/server.ts';
import { createRunPki } from '../../fixtures/pki/ca.ts';
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

export interface Deployment {
  issuer: IssuerServer;
  rs: ReferenceProcess;
  stop(): Promise<void>;
}

/**
 * A deployment as a staging service would be: per-run PKI and the issuer's key file written to `dir`
 * (server.crt, server.key, ca.crt, keys.json), a harness issuer serving the JWKS, the reference binary
 * trusting it.
 */
export async function startDeployment(dir: string, iss: string, label: string): Promise<Deployment> {
  const pki = await createRunPki();
  for (const [f, content] of Object.entries(pki.files)) writeFileSync(join(dir, f), content);
  const keys = await generateKeySet(label);
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(serializeKeySet(keys)));
  const issuer = await startIssuer({ keys, issuer: iss });
  const rs = await startReferenceBinary({ pkiDir: dir, jwksUri: issuer.jwksUri, issuer: iss });
  return {
    issuer,
    rs,
    stop: async () => {
      rs.stop();
      await issuer.close();
    },
  };
}

import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeySet, type KeySet, serializeKeySet, signingKeysFile } from '../../fixtures/issuer/keys.ts';
import { type IssuerServer, startIssuer } from '../../fixtures/issuer/server.ts';
import { createRunPki } from '../../fixtures/pki/ca.ts';
import { startService } from '../../src/launch/containers.ts';
import { configureRyuk } from '../../src/launch/docker.ts';
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
  /** the revocation list the resource server looks jti up in */
  redisAddr?: string;
}): Promise<ReferenceProcess> {
  return startBinary('resource', await freePort(), {
    TLS_CERT_FILE: join(opts.pkiDir, 'server.crt'),
    TLS_KEY_FILE: join(opts.pkiDir, 'server.key'),
    JWKS_URL: opts.jwksUri,
    EXPECTED_ISS: opts.issuer,
    EXPECTED_AUD: 'orders-api',
    ...(opts.vuln ? { VULN: opts.vuln } : {}),
    ...(opts.redisAddr ? { REDIS_ADDR: opts.redisAddr } : {}),
  });
}

/** Starts a reference service binary on 127.0.0.1:port and waits for its ready line. */
async function startBinary(
  name: string,
  port: number,
  env: Record<string, string>,
): Promise<ReferenceProcess> {
  const p = spawn(`targets/reference/dist/${name}`, [], {
    env: { LISTEN_ADDR: `127.0.0.1:${port}`, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((ok, fail) => {
    p.stdout!.on('data', (d: Buffer) => d.toString().includes(`${name} ready`) && ok());
    p.on('error', fail);
    p.on('exit', (code) => fail(new Error(`${name} exited ${code}: ${err.trim()}`)));
  });
  return { url: `https://127.0.0.1:${port}`, process: p, stop: () => void p.kill('SIGTERM') };
}

/**
 * The reference authorization server binary at https://127.0.0.1:port (its issuer), signing with `keys`,
 * with one client `gauntlet` (orders:read orders:write, audience orders-api), revoking into Redis.
 */
export function startAuthServerBinary(opts: {
  pkiDir: string;
  port: number;
  keys: KeySet;
  clientSecret: string;
  redisAddr: string;
  vuln?: string;
}): Promise<ReferenceProcess> {
  const keysFile = join(opts.pkiDir, 'signing.json');
  writeFileSync(keysFile, signingKeysFile(opts.keys), { mode: 0o600 });
  return startBinary('authserver', opts.port, {
    TLS_CERT_FILE: join(opts.pkiDir, 'server.crt'),
    TLS_KEY_FILE: join(opts.pkiDir, 'server.key'),
    ISSUER: `https://127.0.0.1:${opts.port}`,
    SIGNING_KEYS_FILE: keysFile,
    CLIENTS: JSON.stringify([
      {
        client_id: 'gauntlet',
        client_secret: opts.clientSecret,
        scopes: ['orders:read', 'orders:write'],
        audiences: ['orders-api'],
      },
    ]),
    REDIS_ADDR: opts.redisAddr,
    ...(opts.vuln ? { VULN: opts.vuln } : {}),
  });
}

/** Redis on 127.0.0.1 (the image the set-up builds), for deployments the tests start by hand. */
export async function startRedis(): Promise<{ addr: string; stop(): Promise<void> }> {
  await configureRyuk();
  const port = await freePort();
  const redis = await startService(
    'redis',
    {
      image: 'auth-gauntlet/redis:local',
      command: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      env: {},
      files: {},
      ports: {},
      aliases: [],
      dependsOn: [],
      wait: { log: 'Ready to accept connections', timeoutSeconds: 20 },
    },
    'host',
    {},
    {},
  );
  return { addr: `127.0.0.1:${port}`, stop: () => redis.stop() };
}

export interface Deployment {
  issuer: IssuerServer;
  rs: ReferenceProcess;
  /** the reference authorization server, when asked for (its issuer is the deployment's `iss`) */
  as?: ReferenceProcess;
  stop(): Promise<void>;
}

/**
 * A deployment as a staging service would be: per-run PKI and the issuer's key file written to `dir`
 * (server.crt, server.key, ca.crt, keys.json), a harness issuer serving the JWKS, the reference binary
 * trusting it; with `authServer`, also Redis and the reference AS at `iss` (https://127.0.0.1:<port>),
 * signing with the same keys, and the resource server looking revocations up in that Redis.
 */
export async function startDeployment(
  dir: string,
  iss: string,
  label: string,
  authServer?: { port: number; clientSecret: string },
): Promise<Deployment> {
  const pki = await createRunPki();
  for (const [f, content] of Object.entries(pki.files)) writeFileSync(join(dir, f), content);
  const keys = await generateKeySet(label);
  writeFileSync(join(dir, 'keys.json'), JSON.stringify(serializeKeySet(keys)));
  const issuer = await startIssuer({ keys, issuer: iss });
  const redis = authServer ? await startRedis() : undefined;
  const as = authServer
    ? await startAuthServerBinary({ pkiDir: dir, keys, redisAddr: redis!.addr, ...authServer })
    : undefined;
  const rs = await startReferenceBinary({
    pkiDir: dir,
    jwksUri: issuer.jwksUri,
    issuer: iss,
    ...(redis ? { redisAddr: redis.addr } : {}),
  });
  return {
    issuer,
    rs,
    ...(as ? { as } : {}),
    stop: async () => {
      rs.stop();
      as?.stop();
      await Promise.all([issuer.close(), redis?.stop()]);
    },
  };
}

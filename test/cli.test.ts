import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { freePort } from '../src/launch/ports.ts';
import { type Deployment, startDeployment } from './support/reference-binary.ts';

/**
 * The main job as a user runs it (vitest with the suites config), against a deployment that is already
 * running (`url` launch): the reference resource server binary, started here, trusting a key file.
 */
const ISS = 'https://issuer.staging.test';
const dir = mkdtempSync(join(tmpdir(), 'gauntlet-cli-'));
let deployment: Deployment | undefined;
let rsUrl: string;

/** A url-target manifest for the deployment in `at` (its PKI files), its RS at STAGING_RS_URL. */
function manifest(
  name: string,
  keysFile: string,
  extra = '',
  at = { dir, iss: ISS, endpoints: "{ path: '/api/whoami' }" },
): string {
  const file = join(at.dir, `${name}.ts`);
  writeFileSync(
    file,
    `import { defineTarget } from '${resolve('src/manifest/define.ts')}';
export default defineTarget({
  name: '${name}',
  launch: { kind: 'url' },
  trust: { issuer: 'harness', keysFile: '${keysFile}', exportJwks: '${join(at.dir, `${name}-jwks.json`)}' },
  policy: { issuer: '${at.iss}', audience: 'orders-api', algorithms: ['RS256', 'ES256', 'EdDSA'], typ: 'at+jwt' },
  channels: { http: { baseUrl: '{{env.STAGING_RS_URL}}', ca: '${join(at.dir, 'ca.crt')}', health: '/healthz', endpoints: [${at.endpoints}] } },
  limits: { maxRps: 100 },${extra}
});
`,
  );
  return file;
}

function runMain(env: Record<string, string>): Promise<{ code: number; out: string; report: string }> {
  const reportDir = mkdtempSync(join(dir, 'report-'));
  return new Promise((done) => {
    const p = spawn(
      'node_modules/.bin/vitest',
      ['run', '--config', 'vitest.config.ts', `--outputFile.json=${join(reportDir, 'vitest.json')}`],
      {
        env: { ...process.env, ...env, GAUNTLET_REPORT_DIR: reportDir, FORCE_COLOR: '0', CI: 'true' },
      },
    );
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('close', (code) => done({ code: code ?? -1, out, report: reportDir }));
  });
}

const results = (reportDir: string) =>
  JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as {
    targets: { launch: string; error?: string; verdicts: { attackId: string; status: string }[] }[];
  };

beforeAll(async () => {
  deployment = await startDeployment(dir, ISS, 'staging');
  rsUrl = deployment.rs.url;
});

afterAll(async () => {
  await deployment?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('main job against a url target', () => {
  test('a running deployment that trusts the harness key file: all green, three reports', async () => {
    const r = await runMain({
      GAUNTLET_TARGET: manifest('staging', join(dir, 'keys.json')),
      STAGING_RS_URL: rsUrl,
    });
    expect(r.code, r.out).toBe(0);
    const res = results(r.report);
    expect(res.targets[0]!.launch).toBe('url');
    expect(res.targets[0]!.verdicts.length).toBeGreaterThan(10);
    // attacks that do not apply to this manifest (no scoped endpoint, no future-iat claim) are skipped
    expect(res.targets[0]!.verdicts.filter((v) => v.status !== 'pass' && v.status !== 'skipped')).toEqual([]);
    expect(res.targets[0]!.verdicts.filter((v) => v.status === 'pass').length).toBeGreaterThan(30);
    expect(readFileSync(join(r.report, 'junit.xml'), 'utf8')).toContain('<testsuite name="staging"');
    expect(readFileSync(join(r.report, 'index.html'), 'utf8')).toContain('GREEN');
    const jwks = JSON.parse(readFileSync(join(dir, 'staging-jwks.json'), 'utf8')) as {
      keys: Record<string, unknown>[];
    };
    expect(jwks.keys.map((k) => k.kty).sort()).toEqual(['EC', 'OKP', 'RSA']);
    expect(jwks.keys.some((k) => 'd' in k)).toBe(false);
  });

  test('a target that refuses every token (it does not trust the harness key) is red and inconclusive, never green', async () => {
    const r = await runMain({
      GAUNTLET_TARGET: manifest('stranger', join(dir, 'other-keys.json')),
      STAGING_RS_URL: rsUrl,
    });
    expect(r.code).toBe(1);
    const statuses = new Set(results(r.report).targets[0]!.verdicts.map((v) => v.status));
    statuses.delete('skipped');
    expect([...statuses]).toEqual(['inconclusive']);
  });

  test('a url target that does not answer: one readable message, no stack trace, red', async () => {
    const r = await runMain({
      GAUNTLET_TARGET: manifest('down', join(dir, 'keys.json')),
      STAGING_RS_URL: 'https://127.0.0.1:9',
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "auth-gauntlet: target 'down' does not answer at https://127.0.0.1:9/healthz (ECONNREFUSED)",
    );
    expect(r.out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(results(r.report).targets[0]!.error).toMatch(/does not answer/);
  });

  test('an authorization server that does not answer: one readable message, no stack trace, red', async () => {
    const r = await runMain({
      GAUNTLET_TARGET: manifest(
        'noas',
        join(dir, 'keys.json'),
        "\n  authServer: { issuer: 'https://127.0.0.1:9', clients: [{ id: 'ci', secret: '{{env.AS_SECRET}}' }] },",
      ),
      STAGING_RS_URL: rsUrl,
      AS_SECRET: 'a-client-secret-from-the-environment',
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      "auth-gauntlet: authorization server 'https://127.0.0.1:9' is unreachable or publishes no metadata",
    );
    expect(r.out).toContain('Check authServer.issuer and authServer.ca');
    expect(r.out).not.toContain('a-client-secret-from-the-environment');
    expect(r.out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });

  test('a manifest with a wrong field: the field is named, red', async () => {
    const r = await runMain({
      GAUNTLET_TARGET: manifest('bad', join(dir, 'keys.json'), "\n  policy2: { issuer: 'x' },"),
      STAGING_RS_URL: rsUrl,
    });
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/bad\.ts: invalid target manifest\n\s+- \(root\): Unrecognized key: "policy2"/);
    expect(r.out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });

  test('a missing secret from the environment is named', async () => {
    const r = await runMain({
      GAUNTLET_TARGET: manifest('nosecret', join(dir, 'keys.json')),
      STAGING_RS_URL: '',
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain(
      'channels.http.baseUrl needs the environment variable STAGING_RS_URL, which is not set',
    );
  });

  test('a deployment with its authorization server (client secret from the environment): issuer, OAuth2 and revocation attacks green, the secret in no report', async () => {
    const port = await freePort();
    const asIss = `https://127.0.0.1:${port}`;
    const asDir = mkdtempSync(join(dir, 'as-'));
    const secret = `staging-client-secret-${randomBytes(8).toString('hex')}`;
    const d = await startDeployment(asDir, asIss, 'staging-as', { port, clientSecret: secret });
    try {
      const file = manifest(
        'with-as',
        join(asDir, 'keys.json'),
        `
  authServer: {
    issuer: '${asIss}',
    ca: '${join(asDir, 'ca.crt')}',
    clients: [{ id: 'gauntlet', secret: '{{env.STAGING_CLIENT_SECRET}}', auth: 'client_secret_post', scope: 'orders:read orders:write', audienceParam: 'resource' }],
  },`,
        {
          dir: asDir,
          iss: asIss,
          endpoints: "{ path: '/api/whoami' }, { path: '/api/admin', scope: 'admin' }",
        },
      );
      const r = await runMain({
        GAUNTLET_TARGET: file,
        STAGING_CLIENT_SECRET: secret,
        STAGING_RS_URL: d.rs.url,
      });
      expect(r.code, r.out).toBe(0);
      const vs = results(r.report).targets[0]!.verdicts;
      const status = (prefix: string) =>
        vs.filter((v) => v.attackId.startsWith(prefix)).map((v) => `${v.attackId}=${v.status}`);
      expect(status('AS-')).toEqual([
        'AS-WEAK-HMAC-SECRET=pass',
        'AS-TOKEN-LIFETIME=pass',
        'AS-SENSITIVE-CLAIMS=pass',
        'AS-NO-KID=pass',
        'AS-JWKS-PRIVATE-KEYS=pass',
      ]);
      expect(status('OAUTH-')).toEqual([
        'OAUTH-CLIENT-AUTH=pass',
        'OAUTH-SCOPE-ESCALATION=pass',
        'OAUTH-REVOKE-INEFFECTIVE=pass',
      ]);
      // the harness did not start this Redis: it may not pause it
      expect(status('LIFE-')).toEqual(['LIFE-REVOKED-ACCEPTED=pass', 'LIFE-REVOCATION-FAIL-OPEN=skipped']);
      for (const f of ['results.json', 'junit.xml', 'index.html'])
        expect(readFileSync(join(r.report, f), 'utf8')).not.toContain(secret);
    } finally {
      await d.stop();
    }
  });

  test('no Docker engine for a containers target: one message that says what to do', async () => {
    const r = await runMain({
      GAUNTLET_TARGET: 'targets/reference.ts',
      DOCKER_HOST: 'unix:///nonexistent/docker.sock',
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('no Docker engine answers');
    expect(r.out).toContain("Run 'npm run setup'");
    expect(r.out).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
  });
});

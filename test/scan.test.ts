import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateKeySet, serializeKeySet } from '../fixtures/issuer/keys.ts';
import { type IssuerServer, startIssuer } from '../fixtures/issuer/server.ts';
import { createRunPki } from '../fixtures/pki/ca.ts';
import type { CliIo } from '../src/cli-io.ts';
import type { RunReport } from '../src/report/types.ts';
import { countVerdicts, isRed } from '../src/report/types.ts';
import {
  acceptVerdict,
  applyAcceptedFindings,
  isExpired,
  loadAcceptedFindings,
  parseAcceptedFindings,
} from '../src/scan/accepted.ts';
import { runScanCli } from '../src/scan/cli.ts';
import { startSharedIssuer } from '../src/scan/issuer.ts';
import { loadTargets, parseTargets } from '../src/scan/targets.ts';
import type { Status, Verdict } from '../src/verdict/types.ts';
import { catalog } from '../suites/catalog.ts';
import { gauntletMessage } from './support/fixtures.ts';
import { type ReferenceProcess, startReferenceBinary } from './support/reference-binary.ts';

const dir = mkdtempSync(join(tmpdir(), 'gauntlet-scan-'));
const IDS = ['JWT-ALG-NONE', 'JWT-CLAIM-EXP-MISSING', 'JWT-SIG-STRIPPED'];

function verdict(attackId: string, status: Status): Verdict {
  return {
    attackId,
    title: attackId,
    area: 'jwt',
    severity: 'high',
    references: [],
    target: 't',
    status,
    reason: `reason of ${attackId}`,
    controls: [],
    evidence: [],
    startedAt: '2026-11-23T10:00:00.000Z',
    ms: 1,
  };
}

const report = (verdicts: Verdict[]): RunReport => ({
  tool: { name: 'auth-gauntlet', version: 'test' },
  startedAt: '',
  finishedAt: '',
  targets: [{ name: 't', file: 't.ts', launch: 'url', verdicts }],
});

describe('accepted findings', () => {
  const entries = parseAcceptedFindings(
    [
      { attack: 'JWT-ALG-NONE', justification: 'legacy client until Q3', expires: '2027-01-31' },
      { attack: 'JWT-CLAIM-EXP-MISSING', justification: 'batch tokens' },
      { attack: 'JWT-SIG-STRIPPED', justification: 'was fixed', expires: '2026-01-01' },
    ],
    'accepted.json',
    IDS,
  );

  test('a listed finding is marked accepted with its justification, and the run is not red for it', () => {
    const { verdicts, states } = applyAcceptedFindings(
      [verdict('JWT-ALG-NONE', 'fail'), verdict('JWT-CLAIM-EXP-MISSING', 'pass')],
      entries,
      '2026-11-23',
    );
    expect(verdicts[0]!.status).toBe('fail');
    expect(verdicts[0]!.accepted).toEqual({ justification: 'legacy client until Q3', expires: '2027-01-31' });
    expect(countVerdicts(verdicts)).toMatchObject({ fail: 0, accepted: 1, pass: 1 });
    expect(isRed(report(verdicts))).toBe(false);
    expect(states.map((s) => `${s.attack}=${s.state}`)).toEqual([
      'JWT-ALG-NONE=applied',
      'JWT-CLAIM-EXP-MISSING=unused',
      'JWT-SIG-STRIPPED=expired',
    ]);
  });

  test('an expired entry does not apply: the finding is open again and the reason says it expired', () => {
    const v = acceptVerdict(verdict('JWT-SIG-STRIPPED', 'fail'), entries, '2026-11-23');
    expect(v.accepted).toBeUndefined();
    expect(v.reason).toContain('expired on 2026-01-01 ("was fixed")');
    expect(isRed(report([v]))).toBe(true);
  });

  test('the expiry day itself still applies; the day after does not', () => {
    const e = entries[0]!;
    expect(isExpired(e, '2027-01-31')).toBe(false);
    expect(isExpired(e, '2027-02-01')).toBe(true);
    expect(acceptVerdict(verdict('JWT-ALG-NONE', 'fail'), entries, '2027-02-01').accepted).toBeUndefined();
  });

  test('inconclusive verdicts are never accepted; an unlisted finding keeps the run red', () => {
    const v = acceptVerdict(verdict('JWT-ALG-NONE', 'inconclusive'), entries, '2026-11-23');
    expect(v.accepted).toBeUndefined();
    const mixed = applyAcceptedFindings(
      [verdict('JWT-ALG-NONE', 'fail'), verdict('JWT-KID-UNKNOWN', 'fail')],
      entries,
      '2026-11-23',
    );
    expect(isRed(report(mixed.verdicts))).toBe(true);
  });

  test('an unknown attack id is a clear error', () => {
    const msg = gauntletMessage(() =>
      parseAcceptedFindings([{ attack: 'JWT-NO-SUCH', justification: 'x' }], 'accepted.json', IDS),
    );
    expect(msg).toContain('accepted.json: accepted findings name attacks the catalog does not have');
    expect(msg).toContain("[0].attack: unknown attack id 'JWT-NO-SUCH'");
  });

  test('a wrong shape names the entry and the field', () => {
    const msg = gauntletMessage(() =>
      parseAcceptedFindings(
        [
          { attack: 'JWT-ALG-NONE', justification: '  ' },
          { attack: 'JWT-ALG-NONE', justification: 'x', expires: '2027-02-30' },
          { attack: 'JWT-ALG-NONE', justification: 'x', until: '2027-01-01' },
        ],
        'accepted.json',
        IDS,
      ),
    );
    expect(msg).toContain('accepted.json: invalid accepted findings');
    expect(msg).toContain('[0].[justification]: say why the finding is accepted');
    expect(msg).toContain('[1].[expires]: not a calendar date');
    expect(msg).toMatch(/\[2\].*until/);
  });

  test('a missing file or bad JSON is a readable error', () => {
    expect(gauntletMessage(() => loadAcceptedFindings(join(dir, 'nope.json'), IDS))).toContain(
      'accepted findings file not found',
    );
    writeFileSync(join(dir, 'bad.json'), '[{');
    expect(gauntletMessage(() => loadAcceptedFindings(join(dir, 'bad.json'), IDS))).toContain(
      'not valid JSON',
    );
  });
});

describe('fleet manifests', () => {
  const base = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    launch: { kind: 'url' },
    trust: { issuer: 'harness', ...extra },
    policy: { issuer: 'https://issuer.test', audience: 'api', algorithms: ['RS256'] },
    channels: { http: { baseUrl: 'http://127.0.0.1:9', endpoints: [{ path: '/api/whoami' }] } },
  });

  test('a module may export a list of targets; each is validated with its position', async () => {
    const file = join(dir, 'two.ts');
    writeFileSync(
      file,
      `import { defineTargets } from '${resolve('src/manifest/define.ts')}';
export default defineTargets(${JSON.stringify([base('orders'), { ...base('billing'), policy: { issuer: 'x' } }])});`,
    );
    await expect(loadTargets([file])).rejects.toThrow(
      /two\.ts\[1\]: invalid target manifest\n\s+- policy\.audience/,
    );
  });

  test('the example fleet loads, and its accepted findings name real attacks', async () => {
    Object.assign(process.env, {
      ORDERS_URL: 'https://127.0.0.1:8443',
      BILLING_URL: 'https://127.0.0.1:9443',
      STAGING_ISSUER: 'https://auth.staging.example',
    });
    const targets = await loadTargets(['targets/fleet.example.ts']);
    expect(targets.map((t) => `${t.name} ${t.policy.audience} ${t.channels.http!.baseUrl}`)).toEqual([
      'orders orders-api https://127.0.0.1:8443',
      'billing billing-api https://127.0.0.1:9443',
    ]);
    const ids = catalog.map((a) => a.id);
    expect(loadAcceptedFindings(targets[1]!.acceptedFindings!, ids).map((e) => e.attack)).toEqual([
      'JWT-CLAIM-EXP-MISSING',
    ]);
  });

  test('target names must be unique in one run; dotted versions are allowed', () => {
    const raws = [base('jsonwebtoken-9.0.3'), base('jsonwebtoken-9.0.3')].map((raw, i) => ({
      raw,
      where: `f.ts[${i}]`,
      file: 'f.ts',
    }));
    expect(gauntletMessage(() => parseTargets(raws))).toContain(
      "f.ts[1]: target name 'jsonwebtoken-9.0.3' is already used by f.ts[0]",
    );
  });

  test('targets that would need two different issuers are refused before anything starts', async () => {
    const targets = parseTargets(
      [base('a', { keysFile: join(dir, 'a.json') }), base('b', { keysFile: join(dir, 'b.json') })].map(
        (raw, i) => ({ raw, where: `f.ts[${i}]`, file: 'f.ts' }),
      ),
    );
    await expect(startSharedIssuer(targets)).rejects.toThrow(/share one harness issuer.*trust\.keysFile/);
  });
});

/**
 * One real fleet run: two already-running services (the reference resource binary, one with VULN=alg_none)
 * behind the same issuer, scanned as `url` targets by the scan command. What is under test is the fleet
 * machinery (one issuer, one report, matrix, JUnit, accepted findings, exit status), so a fixed slice of the
 * catalog is enough; the self-validation matrix proves every attack on the reference.
 */
const SLICE = new Set([
  'CONTROL-VALID-TOKEN',
  'JWT-ALG-NONE',
  'JWT-SIG-TAMPERED',
  'JWT-SIG-UNKNOWN-KEY',
  'JWT-CLAIM-EXP-EXPIRED',
  'JWT-CLAIM-ISS-WRONG',
  'JWT-CLAIM-AUD-WRONG',
]);
const slice = catalog.filter((a) => SLICE.has(a.id));
describe('scan command against two running services', () => {
  const ISS = 'https://issuer.fleet.test';
  const children: ReferenceProcess[] = [];
  let issuer: IssuerServer;
  const urls: Record<string, string> = {};

  async function resource(name: string, vuln: string): Promise<void> {
    const rs = await startReferenceBinary({ pkiDir: dir, jwksUri: issuer.jwksUri, issuer: ISS, vuln });
    children.push(rs);
    urls[name] = rs.url;
  }

  function fleet(file: string, accepted?: string, names = ['orders', 'legacy']): string {
    const target = (name: string) => ({
      name,
      launch: { kind: 'url' },
      trust: {
        issuer: 'harness',
        keysFile: join(dir, 'keys.json'),
        exportJwks: join(dir, 'fleet-jwks.json'),
      },
      policy: { issuer: ISS, audience: 'orders-api', algorithms: ['RS256', 'ES256', 'EdDSA'], typ: 'at+jwt' },
      channels: {
        http: {
          baseUrl: urls[name],
          ca: join(dir, 'ca.crt'),
          health: '/healthz',
          endpoints: [{ path: '/api/whoami' }],
        },
      },
      limits: { maxRps: 200 },
      ...(accepted && name === 'legacy' ? { acceptedFindings: accepted } : {}),
    });
    const path = join(dir, file);
    writeFileSync(
      path,
      `import { defineTargets } from '${resolve('src/manifest/define.ts')}';
export default defineTargets(${JSON.stringify(names.map(target), null, 2)});`,
    );
    return path;
  }

  async function scan(
    manifest: string,
  ): Promise<{ code: number; out: string; dir: string; report: RunReport }> {
    const reportDir = mkdtempSync(join(dir, 'report-'));
    let out = '';
    const io: CliIo = {
      out: (t) => {
        out += `${t}\n`;
      },
      err: (t) => {
        out += `${t}\n`;
      },
    };
    const code = await runScanCli([manifest, '--report-dir', reportDir, '--concurrency', '2'], slice, io);
    const report = JSON.parse(readFileSync(join(reportDir, 'results.json'), 'utf8')) as RunReport;
    return { code, out, dir: reportDir, report };
  }

  const failing = (r: RunReport) =>
    r.targets.flatMap((t) =>
      t.verdicts.filter((v) => v.status === 'fail').map((v) => `${t.name}:${v.attackId}`),
    );
  const notPassing = (r: RunReport) =>
    r.targets.flatMap((t) =>
      t.verdicts
        .filter((v) => v.status !== 'pass' && v.status !== 'skipped')
        .map((v) => `${t.name}:${v.attackId}=${v.status} (${v.reason})`),
    );

  beforeAll(async () => {
    const pki = await createRunPki();
    for (const [f, content] of Object.entries(pki.files)) writeFileSync(join(dir, f), content);
    const keys = await generateKeySet('fleet');
    writeFileSync(join(dir, 'keys.json'), JSON.stringify(serializeKeySet(keys)));
    issuer = await startIssuer({ keys, issuer: ISS });
    await resource('orders', '');
    await resource('legacy', 'alg_none');
  });

  afterAll(async () => {
    for (const c of children) c.stop();
    await issuer?.close();
  });

  test('one report for both targets: a matrix with one red cell, a JUnit suite per target, exit 1', async () => {
    const r = await scan(fleet('fleet.ts'));
    expect(r.code, r.out).toBe(1);
    expect(r.report.targets.map((t) => t.name)).toEqual(['orders', 'legacy']);
    expect(slice).toHaveLength(SLICE.size);
    expect(r.report.targets.every((t) => t.verdicts.length === slice.length)).toBe(true);
    expect(failing(r.report), notPassing(r.report).join('\n')).toEqual(['legacy:JWT-ALG-NONE']);
    expect(notPassing(r.report).filter((l) => !l.startsWith('legacy:JWT-ALG-NONE='))).toEqual([]);
    const junit = readFileSync(join(r.dir, 'junit.xml'), 'utf8');
    expect(junit.match(/<testsuite /g)).toHaveLength(2);
    expect(junit).toMatch(/<testsuite name="legacy" tests="\d+" failures="1"/);
    expect(junit).toMatch(/<testsuite name="orders" tests="\d+" failures="0"/);
    const html = readFileSync(join(r.dir, 'index.html'), 'utf8');
    expect(html).toContain('<h2>Matrix</h2>');
    expect(html).toMatch(/href="#v-legacy-jwt-alg-none"><span class="badge b-fail">FAIL/);
    expect(r.out).toContain('legacy  JWT-ALG-NONE (critical)');
    expect(r.out).toMatch(/RED — reports in/);
    // the issuer's public JWKS, exported for services configured with a JWKS file
    const jwks = JSON.parse(readFileSync(join(dir, 'fleet-jwks.json'), 'utf8')) as {
      keys: Record<string, unknown>[];
    };
    const rsa = jwks.keys.find((k) => k.kty === 'RSA')!;
    expect(rsa).toMatchObject({ use: 'sig', kid: expect.any(String), x5c: [expect.any(String)] });
    expect(jwks.keys.find((k) => k.kty === 'EC')).toMatchObject({ crv: 'P-256', use: 'sig' });
    expect(jwks.keys.some((k) => 'd' in k)).toBe(false);
  });

  test('an accepted finding keeps the report honest (marked accepted) and the run green; expired, it is red again', async () => {
    const accepted = join(dir, 'legacy.accepted.json');
    const manifest = fleet('fleet-accepted.ts', accepted);
    writeFileSync(
      accepted,
      JSON.stringify([
        { attack: 'JWT-ALG-NONE', justification: 'legacy partner, TICKET-7', expires: '2999-12-31' },
      ]),
    );
    const green = await scan(manifest);
    expect(green.code, green.out).toBe(0);
    const legacy = green.report.targets.find((t) => t.name === 'legacy')!;
    const none = legacy.verdicts.find((v) => v.attackId === 'JWT-ALG-NONE')!;
    expect(none.status).toBe('fail');
    expect(none.accepted).toEqual({ justification: 'legacy partner, TICKET-7', expires: '2999-12-31' });
    expect(legacy.acceptedFindings?.entries[0]?.state).toBe('applied');
    expect(readFileSync(join(green.dir, 'index.html'), 'utf8')).toContain('legacy partner, TICKET-7');
    expect(readFileSync(join(green.dir, 'junit.xml'), 'utf8')).toMatch(
      /<testsuite name="legacy" tests="\d+" failures="0"/,
    );
    expect(green.out).toContain('accepted findings (1)');

    writeFileSync(
      accepted,
      JSON.stringify([
        { attack: 'JWT-ALG-NONE', justification: 'legacy partner, TICKET-7', expires: '2020-01-31' },
      ]),
    );
    const red = await scan(manifest);
    expect(red.code).toBe(1);
    const again = red.report.targets
      .find((t) => t.name === 'legacy')!
      .verdicts.find((v) => v.attackId === 'JWT-ALG-NONE')!;
    expect(again.accepted).toBeUndefined();
    expect(again.reason).toContain('expired on 2020-01-31');
    expect(red.out).toContain('JWT-ALG-NONE: expired on 2020-01-31, counts as a finding again');
  });

  test('a target that does not answer is reported as not tested (red); the others are still scanned', async () => {
    urls.gone = 'https://127.0.0.1:9';
    const r = await scan(fleet('fleet-gone.ts', undefined, ['orders', 'gone']));
    expect(r.code).toBe(1);
    const gone = r.report.targets.find((t) => t.name === 'gone')!;
    expect(gone.error).toMatch(/target 'gone' does not answer at https:\/\/127\.0\.0\.1:9\/healthz/);
    expect(r.report.targets.find((t) => t.name === 'orders')!.verdicts).toHaveLength(slice.length);
    expect(readFileSync(join(r.dir, 'junit.xml'), 'utf8')).toContain('<error type="launch"');
    expect(r.out).toMatch(/gone\s.*NOT TESTED: target 'gone' does not answer/);
  });

  test('bad usage and bad input: exit 2 and 1 with one readable line', async () => {
    let out = '';
    const io: CliIo = {
      out: (t) => {
        out += t;
      },
      err: (t) => {
        out += t;
      },
    };
    expect(await runScanCli([], catalog, io)).toBe(2);
    expect(out).toContain('no target manifest given');
    expect(await runScanCli([join(dir, 'missing.ts')], catalog, io)).toBe(1);
    expect(out).toContain('target manifest not found');
  });
});

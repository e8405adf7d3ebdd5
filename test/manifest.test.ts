import { describe, expect, test } from 'vitest';
import { loadManifest, parseManifest } from '../src/manifest/load.ts';
import { interpolate } from '../src/manifest/template.ts';
import { gauntletMessage } from './support/fixtures.ts';

const good = () => ({
  name: 'demo',
  launch: { kind: 'url' },
  trust: { issuer: 'harness' },
  policy: { issuer: 'https://issuer.test', audience: 'api', algorithms: ['RS256'] },
  channels: { http: { baseUrl: '{{env.DEMO_URL}}', endpoints: [{ path: '/api/whoami' }] } },
});

describe('manifest validation', () => {
  test('a good manifest loads, with defaults and env placeholders resolved', () => {
    const m = parseManifest(good(), 'demo.ts', { DEMO_URL: 'https://127.0.0.1:9' });
    expect(m.channels.http!.baseUrl).toBe('https://127.0.0.1:9');
    expect(m.policy.maxLeewaySeconds).toBe(60);
    expect(m.channels.http!.endpoints[0]!.method).toBe('GET');
    expect(m.limits.requestTimeoutMs).toBe(5000);
  });

  test('a wrong field is named with its path', () => {
    const bad = good() as Record<string, unknown>;
    (bad.policy as Record<string, unknown>).algorithms = ['RS256', 'HS256'];
    const msg = gauntletMessage(() => parseManifest(bad, 'demo.ts', { DEMO_URL: 'x' }));
    expect(msg).toContain('demo.ts: invalid target manifest');
    expect(msg).toContain('policy.algorithms.1');
  });

  test('an unknown field is refused, not ignored', () => {
    const bad = { ...good(), polcy: {} };
    expect(gauntletMessage(() => parseManifest(bad, 'demo.ts', { DEMO_URL: 'x' }))).toMatch(/polcy/);
  });

  test('a missing environment variable names the variable and the field', () => {
    const msg = gauntletMessage(() => parseManifest(good(), 'demo.ts', {}));
    expect(msg).toBe(
      'demo.ts: channels.http.baseUrl needs the environment variable DEMO_URL, which is not set',
    );
  });

  test('an unknown placeholder is refused at load', () => {
    const bad = good();
    bad.channels.http.baseUrl = 'https://127.0.0.1:{{port.nothere}}';
    expect(gauntletMessage(() => parseManifest(bad, 'demo.ts', {}))).toMatch(
      /channels\.http\.baseUrl: unknown placeholder \{\{port\.nothere\}\}/,
    );
  });

  test('a generated secret is refused for a url target: its secrets come from the environment', () => {
    const bad = {
      ...good(),
      authServer: { issuer: 'https://as.test', clients: [{ id: 'c', secret: '{{secret.client}}' }] },
    };
    expect(gauntletMessage(() => parseManifest(bad, 'demo.ts', { DEMO_URL: 'x' }))).toMatch(
      /authServer\.clients\[0\]\.secret: \{\{secret\.client\}\} is a secret the harness generates for services it starts/,
    );
  });

  test('an authorization server client gets defaults, and an env secret is resolved', () => {
    const m = parseManifest(
      { ...good(), authServer: { issuer: 'https://as.test', clients: [{ id: 'c', secret: '{{env.CS}}' }] } },
      'demo.ts',
      { DEMO_URL: 'x', CS: 'from-the-environment' },
    );
    expect(m.authServer!.clients[0]).toEqual({
      id: 'c',
      secret: 'from-the-environment',
      auth: 'client_secret_basic',
      audienceParam: 'none',
    });
  });

  test('dependsOn must name a service', () => {
    const bad = {
      ...good(),
      launch: { kind: 'containers', services: { rs: { image: 'x', dependsOn: ['db'] } } },
      channels: { http: { baseUrl: 'https://127.0.0.1:{{port.rs}}', endpoints: [{ path: '/' }] } },
    };
    expect(gauntletMessage(() => parseManifest(bad, 'demo.ts', {}))).toMatch(
      /launch\.services\.rs\.dependsOn: no service 'db'/,
    );
  });

  test('interpolation resolves known keys and reports unknown ones in strict mode', () => {
    expect(interpolate({ a: ['x{{ port.rs }}'] }, { 'port.rs': '1' }, 'm')).toEqual({ a: ['x1'] });
    expect(() => interpolate({ a: '{{nope}}' }, {}, 'm')).toThrow(/m\.a: unknown placeholder/);
  });

  test('the bundled manifests load', async () => {
    const ref = await loadManifest('targets/reference.ts');
    expect(ref.launch.kind).toBe('containers');
    expect(ref.name).toBe('reference');
    await expect(loadManifest('targets/staging.example.ts')).rejects.toThrow(/STAGING_ISSUER|STAGING_RS_URL/);
    await expect(loadManifest('targets/nope.ts')).rejects.toThrow(
      /target manifest not found: targets\/nope\.ts/,
    );
  });
});

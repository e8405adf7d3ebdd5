import { spawnSync } from 'node:child_process';
import { expect, test } from 'vitest';

/**
 * The bundled reference's own Go tests (targets/reference): among them, each vulnerability switch changes
 * only the outcomes its rows name, for the resource server and the authorization server alike.
 */
test('the reference system passes its Go tests (go test ./...)', () => {
  const r = spawnSync('go', ['test', './...'], {
    cwd: 'targets/reference',
    encoding: 'utf8',
    timeout: 240_000,
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  const out = `${r.stdout}${r.stderr}`;
  expect(
    r.error,
    'Go is needed to build the reference (the set-up says so when it is missing)',
  ).toBeUndefined();
  expect(r.status, out).toBe(0);
  expect(out).toMatch(/^ok\s+auth-gauntlet\/reference\/internal\/authserver/m);
  expect(out).toMatch(/^ok\s+auth-gauntlet\/reference\/internal\/authn/m);
}, 300_000);

import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { generateKeySet, type KeySet } from '../../fixtures/issuer/keys.ts';
import { launchTarget, type RunningTarget } from '../../src/launch/launch.ts';
import { loadManifest } from '../../src/manifest/load.ts';
import { createContext, launchedInput } from '../../src/run/context.ts';
import { runCatalog } from '../../src/run/runner.ts';
import type { Verdict } from '../../src/verdict/types.ts';
import { catalog } from '../../suites/catalog.ts';
import {
  EXPECTED_INCONCLUSIVE,
  EXPECTED_RED,
  EXPECTED_SKIPPED,
  FUZZ_SEED,
  NOT_YET_PROVEN,
} from './expectations.ts';

// the fuzzer's findings are part of the matrix: a fixed seed makes them repeatable
process.env.GAUNTLET_FUZZ_SEED ??= FUZZ_SEED;

/** Launches the reference with the given switches, runs the whole catalog, stops it. */
async function scan(vuln: string, keys: KeySet, harnessKeys = keys): Promise<Verdict[]> {
  const m = await loadManifest('targets/reference.ts');
  let running: RunningTarget | undefined;
  try {
    running = await launchTarget(m, { vuln, keys });
    const ctx = await createContext({ ...launchedInput(running), trusted: harnessKeys });
    try {
      return await runCatalog(catalog, ctx);
    } finally {
      await ctx.close();
    }
  } finally {
    await running?.stop();
  }
}

const statusLine = (vs: Verdict[]) =>
  vs
    .filter((v) => v.status !== 'pass')
    .map((v) => `${v.attackId}=${v.status} (${v.reason})`)
    .join('\n');

const SWITCHES = Object.keys(EXPECTED_RED);
const results = new Map<string, Verdict[]>();

describe('self-validation matrix (bundled reference)', () => {
  beforeAll(async () => {
    const keys = await generateKeySet('matrix');
    const runs = ['', ...SWITCHES];
    // a few targets at a time: each is a Redis and a resource server on loopback
    for (let i = 0; i < runs.length; i += 4) {
      const wave = runs.slice(i, i + 4);
      const out = await Promise.all(wave.map((v) => scan(v, keys)));
      for (const [j, v] of wave.entries()) results.set(v, out[j]!);
    }
  }, 600_000);
  afterAll(() => results.clear());

  test('the secure reference is all green', () => {
    const vs = results.get('')!;
    expect(vs).toHaveLength(catalog.length);
    expect(statusLine(vs)).toBe('');
  });

  test.each(SWITCHES)('VULN=%s turns red exactly the attacks meant to catch it', (sw) => {
    const vs = results.get(sw)!;
    const red = vs
      .filter((v) => v.status === 'fail')
      .map((v) => v.attackId)
      .sort();
    expect(red, statusLine(vs)).toEqual([...EXPECTED_RED[sw]!].sort());
    const other = vs.filter((v) => v.status !== 'fail' && v.status !== 'pass');
    const inconclusive = new Set(EXPECTED_INCONCLUSIVE[sw] ?? []);
    const skipped = new Set(EXPECTED_SKIPPED[sw] ?? []);
    expect(
      other
        .filter((v) => !(v.status === 'inconclusive' && inconclusive.has(v.attackId)))
        .filter((v) => !(v.status === 'skipped' && skipped.has(v.attackId)))
        .map((v) => `${v.attackId}: ${v.reason}`),
    ).toEqual([]);
    expect(
      other
        .filter((v) => v.status === 'inconclusive')
        .map((v) => v.attackId)
        .sort(),
    ).toEqual([...inconclusive].sort());
  });

  test('a target that refuses every token the harness mints (it trusts other keys) is inconclusive wherever minted tokens are the control, never green', async () => {
    const vs = await scan('', await generateKeySet('matrix'), await generateKeySet('stranger'));
    const minted = new Set(catalog.filter((a) => a.requires.includes('mint')).map((a) => a.id));
    expect(minted.size).toBeGreaterThan(40);
    expect(
      vs
        .filter((v) => minted.has(v.attackId) && v.status !== 'inconclusive')
        .map((v) => `${v.attackId}=${v.status}`),
    ).toEqual([]);
    expect(vs[0]!.reason).toMatch(/valid token was not accepted/);
  });

  test('every switch of the reference is in the matrix, or listed as not yet proven with the reason', () => {
    const source = readFileSync('targets/reference/internal/vuln/vuln.go', 'utf8');
    const names = [...source.matchAll(/=\s*"([a-z0-9_]+)"/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(30);
    const unaccounted = names.filter((n) => !(n in EXPECTED_RED) && !(n in NOT_YET_PROVEN));
    expect(unaccounted).toEqual([]);
  });

  test('every attack of the catalog is proven by at least one switch', () => {
    const proven = new Set(Object.values(EXPECTED_RED).flat());
    const unproven = catalog.filter((a) => a.area !== 'control' && !proven.has(a.id)).map((a) => a.id);
    expect(unproven).toEqual([]);
  });
});

import { afterAll, beforeAll, describe, inject, test } from 'vitest';
import { deserializeKeySet } from '../../fixtures/issuer/keys.ts';
import type { Attack } from '../catalog/types.ts';
import { createContext, type RunContext } from './context.ts';
import './provided.ts';
import { isAdvisory } from '../report/types.ts';
import { acceptVerdict, today } from '../scan/accepted.ts';
import { runAttack } from './runner.ts';

/** Registers one vitest test per attack; the verdict travels to the reporter in the test's meta. */
export function defineAttackSuite(area: string, attacks: Attack[]): void {
  let ctx: RunContext;
  beforeAll(async () => {
    const run = inject('gauntlet');
    ctx = await createContext({
      manifest: run.manifest,
      ...(run.keys ? { trusted: deserializeKeySet(run.keys) } : {}),
      ...(run.httpCa ? { httpCa: run.httpCa } : {}),
      ...(run.asCa ? { asCa: run.asCa } : {}),
      ...(run.roles ? { roles: run.roles } : {}),
      ...(run.issuerBase ? { issuerBase: run.issuerBase } : {}),
    });
  });
  afterAll(() => ctx?.close());

  const register = (attack: Attack) =>
    test(`${attack.id}: ${attack.title}`, async ({ task, skip, expect }) => {
      const verdict = acceptVerdict(await runAttack(attack, ctx), inject('gauntlet').accepted ?? [], today());
      task.meta.verdict = verdict;
      if (verdict.status === 'skipped') skip(verdict.reason);
      // an accepted finding stays in the report, marked accepted with its justification; it is not red
      if (verdict.accepted || isAdvisory(verdict)) return;
      expect
        .soft(verdict.status, `${verdict.status.toUpperCase()}: ${verdict.reason}`)
        .not.toBe('inconclusive');
      expect(verdict.status, `VULNERABLE: ${verdict.reason}`).not.toBe('fail');
    });
  describe.concurrent(area, () => {
    for (const attack of attacks.filter((a) => !a.exclusive)) register(attack);
  });
  // after the concurrent ones, one at a time (vitest.config.ts runs suite files one after another)
  const exclusive = attacks.filter((a) => a.exclusive);
  if (exclusive.length)
    describe(`${area} (exclusive)`, () => {
      for (const attack of exclusive) register(attack);
    });
}

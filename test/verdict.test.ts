import { describe, expect, test } from 'vitest';
import type { Attack, AttackContext } from '../src/catalog/types.ts';
import { classifyHttp } from '../src/probe/http.ts';
import { scrub, tokenEvidence } from '../src/report/redact.ts';
import { runCatalog } from '../src/run/runner.ts';
import { type ChannelRun, judgeRejections } from '../src/verdict/judge.ts';
import type { Exchange, Outcome } from '../src/verdict/types.ts';

const ex = (label: string, outcome: Outcome, status?: number): Exchange => ({
  label,
  channel: 'http GET /api/whoami',
  outcome,
  why: status ? `HTTP ${status}` : 'ECONNREFUSED',
  request: { method: 'GET', url: 'https://127.0.0.1/api/whoami', headers: {} },
  ...(status ? { response: { status, headers: {}, body: '' } } : {}),
  ms: 1,
});
const run = (before: Exchange, exchanges: Exchange[], after?: Exchange): ChannelRun => ({
  channel: 'http GET /api/whoami',
  before,
  exchanges,
  ...(after ? { after } : {}),
});
const ok = ex('control', 'accepted', 200);

describe('verdict logic', () => {
  test('all refused next to accepted controls: pass', () => {
    const r = judgeRejections([run(ok, [ex('a', 'rejected', 401), ex('b', 'rejected', 401)], ok)]);
    expect(r.status).toBe('pass');
    expect(r.controls).toHaveLength(2);
  });

  test('one accepted token: fail, with the accepted exchange first in the evidence', () => {
    const r = judgeRejections([run(ok, [ex('a', 'rejected', 401), ex('b', 'accepted', 200)])]);
    expect(r.status).toBe('fail');
    expect(r.evidence[0]!.label).toBe('b');
    expect(r.reason).toContain('b (HTTP 200)');
  });

  test('a target that refuses everything is inconclusive, never pass', () => {
    const refused = ex('control', 'rejected', 401);
    const r = judgeRejections([run(refused, [])]);
    expect(r.status).toBe('inconclusive');
    expect(r.reason).toMatch(/positive control not accepted/);
  });

  test('a target that is down is inconclusive', () => {
    expect(judgeRejections([run(ex('control', 'error'), [])]).status).toBe('inconclusive');
  });

  test('a 500 or a timeout is not a refusal', () => {
    expect(judgeRejections([run(ok, [ex('a', 'rejected', 401), ex('b', 'error', 500)], ok)]).status).toBe(
      'inconclusive',
    );
  });

  test('a control that fails after the attack makes the refusals worthless', () => {
    const r = judgeRejections([run(ok, [ex('a', 'rejected', 401)], ex('control', 'rejected', 401))]);
    expect(r.status).toBe('inconclusive');
    expect(r.reason).toMatch(/no longer accepted/);
  });

  test('an acceptance on one channel is a fail even when another channel has no control', () => {
    const r = judgeRejections([run(ex('c', 'rejected', 401), []), run(ok, [ex('a', 'accepted', 200)])]);
    expect(r.status).toBe('fail');
  });

  test('HTTP statuses: 2xx accepted, 401/403/400 refused, 404/500 neither', () => {
    expect(classifyHttp(200).outcome).toBe('accepted');
    expect(classifyHttp(204).outcome).toBe('accepted');
    expect(classifyHttp(401).outcome).toBe('rejected');
    expect(classifyHttp(403).outcome).toBe('rejected');
    expect(classifyHttp(400).outcome).toBe('rejected');
    expect(classifyHttp(404).outcome).toBe('error');
    expect(classifyHttp(500).outcome).toBe('error');
    expect(classifyHttp(302).outcome).toBe('error');
  });
});

describe('redaction', () => {
  const token = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJlLWJ5dGVzLWhlcmU';
  test('token evidence keeps header and claims, drops the signature', () => {
    const e = tokenEvidence(token);
    expect(e.header).toEqual({ alg: 'RS256' });
    expect(e.payload).toEqual({ sub: 'a' });
    expect(e.redacted).not.toContain('c2lnbmF0dXJl');
    expect(e.redacted).toContain('<signature redacted');
    expect(e.sha256).toMatch(/^[0-9a-f]{16}$/);
  });
  test('scrub removes tokens and secrets from free text', () => {
    const out = scrub(`echo ${token} and secret-value-123`, ['secret-value-123']);
    expect(out).not.toContain(token);
    expect(out).not.toContain('secret-value-123');
  });
});

describe('running a catalog', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const log: string[] = [];
  const attack = (id: string, ms: number, exclusive = false): Attack => ({
    id,
    title: id,
    area: 'test',
    severity: 'low',
    expectation: '',
    references: [],
    requires: [],
    ...(exclusive ? { exclusive } : {}),
    async run() {
      log.push(`start ${id}`);
      await sleep(ms);
      log.push(`end ${id}`);
      return { status: 'pass', reason: id, controls: [], evidence: [] };
    },
  });
  const ctx = { targetName: 't', capabilities: new Set() } as unknown as AttackContext;

  test('an exclusive attack starts after every other has ended, runs alone, and verdicts keep catalog order', async () => {
    const attacks = [
      attack('a', 30),
      attack('x', 5, true),
      attack('b', 10),
      attack('y', 5, true),
      attack('c', 20),
    ];
    const verdicts = await runCatalog(attacks, ctx, 4);
    expect(verdicts.map((v) => v.attackId)).toEqual(['a', 'x', 'b', 'y', 'c']);
    const tail = log.slice(-4);
    expect(tail).toEqual(['start x', 'end x', 'start y', 'end y']);
    expect(
      log
        .slice(0, 6)
        .filter((l) => l.startsWith('start'))
        .sort(),
    ).toEqual(['start a', 'start b', 'start c']);
  });

  test('an attack missing a capability is skipped with the reason, and never run', async () => {
    const needy = { ...attack('n', 1), requires: ['obtain' as const] };
    const [v] = await runCatalog([needy], ctx);
    expect(v!.status).toBe('skipped');
    expect(v!.reason).toMatch(/^needs obtain: the harness cannot obtain real tokens/);
    expect(log).not.toContain('start n');
  });
});

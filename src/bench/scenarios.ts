import { randomUUID } from 'node:crypto';
import { b64url } from '../../fixtures/forge/b64url.ts';
import { keyForAlg, type TokenFactory } from '../../fixtures/forge/factory.ts';
import { forge } from '../../fixtures/forge/token.ts';
import { CAPABILITY_REASON, type Capability } from '../capabilities.ts';
import type { Manifest } from '../manifest/schema.ts';
import { tokenEvidence } from '../report/redact.ts';
import { primaryEndpoint } from '../run/context.ts';
import type { Scenario, ScenarioKind } from './types.ts';

export interface SkippedScenario {
  id: string;
  title: string;
  kind: ScenarioKind;
  reason: string;
}

/** A scenario before its token exists: tokens are minted right before the scenario runs, so none expires mid-run. */
export type PlannedScenario = Omit<Scenario, 'authorization' | 'token'> & { mint?: () => Promise<string> };

export interface ScenarioPlan {
  run: PlannedScenario[];
  skipped: SkippedScenario[];
}

/** Mints the scenario's token (a fresh one each time) and gives the request to send. */
export async function materialize(p: PlannedScenario): Promise<Scenario> {
  const { mint, ...rest } = p;
  if (!mint) return rest;
  const token = await mint();
  const { header, payload, sha256 } = tokenEvidence(token);
  return { ...rest, authorization: `Bearer ${token}`, token: { header, payload, sha256 } };
}

/** What each kind of scenario must get back: 2xx for baseline and accept paths, a refusal for reject paths. */
export const EXPECTED: Record<ScenarioKind, { label: string; ok: (status: number) => boolean }> = {
  baseline: { label: '2xx', ok: (s) => s >= 200 && s < 300 },
  accept: { label: '2xx', ok: (s) => s >= 200 && s < 300 },
  reject: { label: '400/401/403', ok: (s) => s === 401 || s === 403 || s === 400 },
};

const REJECTS: { id: string; title: string }[] = [
  { id: 'bad-signature', title: 'bad signature (a key the target never saw, trusted kid)' },
  { id: 'alg-none', title: 'alg: none, no signature' },
  { id: 'expired', title: 'expired (exp one hour ago), trusted signature' },
  { id: 'unknown-kid', title: 'unknown kid (may trigger a JWKS fetch)' },
  { id: 'malformed', title: 'malformed (header is not JSON)' },
];

/** Accept paths per alg, then every reject path, for the HTTP channel; what cannot run is listed with the reason. */
export function httpScenarios(
  m: Manifest,
  tokens: TokenFactory,
  caps: Set<Capability>,
  /** a token obtained from the AS and revoked there; absent without capabilities obtain and revoke */
  revoked?: () => Promise<string>,
): ScenarioPlan {
  const http = m.channels.http;
  const plan: ScenarioPlan = { run: [], skipped: [] };
  if (!http) return plan;
  const endpoint = primaryEndpoint(http.endpoints);
  const base = { channel: 'http' as const, method: endpoint.method, path: endpoint.path };

  if (http.health) {
    plan.run.push({
      id: 'baseline',
      title: `no-auth baseline (${http.health})`,
      kind: 'baseline',
      channel: 'http',
      method: 'GET',
      path: http.health,
    });
  } else {
    plan.skipped.push({
      id: 'baseline',
      title: 'no-auth baseline',
      kind: 'baseline',
      reason: 'the manifest names no public endpoint (channels.http.health)',
    });
  }

  if (!caps.has('mint')) {
    const reason = `needs mint: ${CAPABILITY_REASON.mint}`;
    plan.skipped.push({ id: 'accept', title: 'valid token', kind: 'accept', reason });
    for (const r of REJECTS) plan.skipped.push({ ...r, kind: 'reject', reason });
  } else {
    const scope = endpoint.scope;
    const algs = m.policy.algorithms.filter((a) => keyForAlg(tokens.trusted, a));
    // the accept path of the policy's first alg comes first: it is the one the cost figures compare with
    for (const alg of [tokens.alg, ...algs.filter((a) => a !== tokens.alg)]) {
      plan.run.push({
        id: `accept-${alg}`,
        title: `valid token, ${alg}`,
        kind: 'accept',
        alg,
        ...base,
        mint: () => tokens.valid({ alg, ...(scope ? { scope } : {}) }),
      });
    }
    for (const alg of m.policy.algorithms.filter((a) => !keyForAlg(tokens.trusted, a))) {
      plan.skipped.push({
        id: `accept-${alg}`,
        title: `valid token, ${alg}`,
        kind: 'accept',
        reason: `the harness holds no key for ${alg}`,
      });
    }
    for (const r of REJECTS)
      plan.run.push({ ...r, kind: 'reject', ...base, mint: async () => rejectToken(r.id, tokens, scope) });
  }
  const revokedPath = { id: 'revoked', title: 'revoked token (revocation lookup)', kind: 'reject' as const };
  if (revoked) plan.run.push({ ...revokedPath, ...base, mint: revoked });
  else {
    const missing = (['obtain', 'revoke'] as const).filter((c) => !caps.has(c));
    plan.skipped.push({
      ...revokedPath,
      reason: `needs ${missing.join(', ') || 'revoke'}: ${(missing.length ? missing : ['revoke' as const]).map((c) => CAPABILITY_REASON[c]).join('; ')}`,
    });
  }
  return plan;
}

function rejectToken(id: string, tokens: TokenFactory, scope: string | undefined): string {
  const alg = tokens.alg;
  const claims = tokens.claims(scope);
  const attackerKey = () => {
    const k = keyForAlg(tokens.attacker, alg);
    if (!k) throw new Error(`no attacker key for ${alg}`);
    return k.privateKey;
  };
  switch (id) {
    case 'bad-signature':
      return forge({ header: tokens.header(alg), payload: claims, sign: { alg, key: attackerKey() } });
    case 'alg-none':
      return forge({ header: tokens.header('none'), payload: claims, signature: { literal: '' } });
    case 'expired': {
      const now = tokens.now();
      return tokens.signed({ ...claims, iat: now - 7200, exp: now - 3600 });
    }
    case 'unknown-kid':
      return forge({
        header: tokens.header(alg, { kid: `bench-unknown-${randomUUID()}` }),
        payload: claims,
        sign: { alg, key: attackerKey() },
      });
    case 'malformed':
      return `${b64url('{"alg":')}.${b64url(JSON.stringify(claims))}.${b64url('not a signature')}`;
    default:
      throw new Error(`unknown reject scenario ${id}`);
  }
}

import { isResult, oauthOf, obtainAccepted } from '../../src/catalog/obtained.ts';
import { cwe, rfc } from '../../src/catalog/references.ts';
import type { Attack, AttackContext, AttackResult, Channel } from '../../src/catalog/types.ts';
import type { Exchange } from '../../src/verdict/types.ts';

/** How long a revocation may take to reach the resource server (a cache in between) before it counts. */
const PROPAGATION_MS = 3000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Presents `token` until it is refused or the propagation time is over; returns every answer. */
async function untilRefused(ch: Channel, token: string, label: string): Promise<Exchange[]> {
  const out: Exchange[] = [];
  const deadline = Date.now() + PROPAGATION_MS;
  for (let i = 1; ; i++) {
    const x = await ch.deliver(token, `${label} (try ${i})`);
    out.push(x);
    if (x.outcome !== 'accepted' || Date.now() >= deadline) return out;
    await sleep(500);
  }
}

interface Revoked {
  token: string;
  /** the obtained token accepted, the revocation request */
  controls: Exchange[];
  revoke: Exchange;
}

/** Obtains a token, checks the RS takes it, revokes it at the AS (RFC 7009). */
async function obtainAndRevoke(ctx: AttackContext, ch: Channel): Promise<Revoked | AttackResult> {
  const got = await obtainAccepted(ctx, ch);
  if (isResult(got)) return got;
  const revoke = await oauthOf(ctx).revoke(got.obtained.token, 'revocation of the obtained token (RFC 7009)');
  const controls = [got.obtained.exchange, got.control];
  if (revoke.status !== 200)
    return {
      status: 'inconclusive',
      reason: `the authorization server did not confirm the revocation (${revoke.exchange.why}); RFC 7009 §2.2 answers 200`,
      controls: [...controls, revoke.exchange],
      evidence: [],
    };
  return { token: got.obtained.token, controls, revoke: revoke.exchange };
}

export const revokedAccepted: Attack = {
  id: 'LIFE-REVOKED-ACCEPTED',
  title: 'A revoked access token is still accepted by the resource server',
  area: 'lifecycle',
  severity: 'high',
  expectation: `After the harness revokes a token it obtained (RFC 7009), the resource server refuses it within ${PROPAGATION_MS / 1000} s, while a fresh token is still accepted.`,
  references: [rfc('7009', '2.1'), rfc('7009', '2.2'), cwe(613)],
  requires: ['obtain', 'revoke'],
  async run(ctx) {
    const ch = ctx.channels[0]!;
    const r = await obtainAndRevoke(ctx, ch);
    if (isResult(r)) return r;
    const tries = await untilRefused(ch, r.token, 'the revoked token');
    const last = tries[tries.length - 1]!;
    const after = await obtainAccepted(ctx, ch, 'a fresh token, after the revocation');
    const controls = [...r.controls, r.revoke, ...(isResult(after) ? after.controls : [after.control])];
    if (last.outcome === 'accepted')
      return {
        status: 'fail',
        reason: `the token was revoked at the authorization server (HTTP 200) and the resource server still accepted it ${tries.length} time(s) over ${PROPAGATION_MS / 1000} s`,
        controls,
        evidence: tries,
      };
    if (isResult(after))
      return { ...after, reason: `the revoked token was refused, but so was a fresh one: ${after.reason}` };
    if (last.outcome === 'error')
      return {
        status: 'inconclusive',
        reason: `no clear refusal of the revoked token (${last.why})`,
        controls,
        evidence: tries,
      };
    return {
      status: 'pass',
      reason: `the revoked token was refused (${last.why}) after ${tries.length} try(s); a fresh token was accepted`,
      controls,
      evidence: tries,
    };
  },
};

export const revocationFailOpen: Attack = {
  id: 'LIFE-REVOCATION-FAIL-OPEN',
  title: 'Revocation store unreachable: does the resource server let a revoked token through?',
  area: 'lifecycle',
  severity: 'high',
  expectation:
    'While the revocation list cannot be read, a revoked token is still refused (fail closed: 401 or 503), and valid tokens are accepted again once the store is back.',
  references: [rfc('7009', '2.1'), cwe(636, 'Not Failing Securely'), cwe(613)],
  requires: ['obtain', 'revoke', 'outage'],
  exclusive: true,
  async run(ctx) {
    const ch = ctx.channels[0]!;
    const r = await obtainAndRevoke(ctx, ch);
    if (isResult(r)) return r;
    const up = await untilRefused(ch, r.token, 'the revoked token, store up');
    if (up[up.length - 1]!.outcome === 'accepted')
      return {
        status: 'skipped',
        reason:
          'revoked tokens are accepted even with the revocation store up (LIFE-REVOKED-ACCEPTED): an outage cannot make it worse',
        controls: r.controls,
        evidence: up,
      };
    const fresh = await obtainAccepted(ctx, ch, 'a valid token for the outage');
    const down = await ctx.withRevocationStoreDown!(async () => {
      const revoked = await ch.deliver(r.token, 'the revoked token, store unreachable');
      const valid = isResult(fresh)
        ? []
        : [await ch.deliver(fresh.obtained.token, 'a valid token, store unreachable (informational)')];
      return [revoked, ...valid];
    });
    // back up: the target must recover, or the next run's verdicts would be judged against a broken target
    let recovered: Exchange | undefined;
    const deadline = Date.now() + 5000;
    do {
      recovered = await ctx.control(ch);
      if (recovered.outcome === 'accepted') break;
      await sleep(500);
    } while (Date.now() < deadline);
    const controls = [...r.controls, r.revoke, up[up.length - 1]!, recovered];
    const revoked = down[0]!;
    const validDown = down[1];
    const closedOrOpen = validDown
      ? validDown.outcome === 'accepted'
        ? '; valid tokens kept working (the check was skipped)'
        : `; valid tokens were refused too (${validDown.why}: fail closed)`
      : '';
    if (revoked.outcome === 'accepted')
      return {
        status: 'fail',
        reason: `with the revocation store unreachable, the revoked token was accepted: the check fails open${closedOrOpen}`,
        controls,
        evidence: down,
      };
    if (recovered.outcome !== 'accepted')
      return {
        status: 'inconclusive',
        reason: `the revoked token was refused during the outage, but valid tokens were not accepted again within 5 s after it (${recovered.why})`,
        controls,
        evidence: down,
      };
    return {
      status: 'pass',
      reason: `with the revocation store unreachable the revoked token was refused (${revoked.why})${closedOrOpen}; the target recovered`,
      controls,
      evidence: down,
    };
  },
};

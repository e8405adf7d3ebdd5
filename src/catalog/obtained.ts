import { decodeObject } from '../../fixtures/forge/b64url.ts';
import type { Exchange } from '../verdict/types.ts';
import type { AttackContext, AttackResult, Channel } from './types.ts';

/** A token the harness obtained from the target's AS, decoded (it is the AS's own output, read as data). */
export interface ObtainedToken {
  token: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  /** the token request and its answer (client secret and token redacted) */
  exchange: Exchange;
  /** the token endpoint's JSON answer */
  response: Record<string, unknown>;
}

/** The AS's client, or a reason why the attack cannot go on (the runner already checked `obtain`). */
export function oauthOf(ctx: AttackContext) {
  if (!ctx.oauth) throw new Error('no authorization server client (capability obtain)');
  return ctx.oauth;
}

/**
 * Obtains a token by client_credentials. Not obtaining one is inconclusive: the manifest says the harness
 * can, so the AS is down or the client is wrong, and nothing can be said about what it would issue.
 */
export async function obtainToken(
  ctx: AttackContext,
  label = 'token obtained by client_credentials',
): Promise<ObtainedToken | AttackResult> {
  const answer = await oauthOf(ctx).obtain(label);
  if (!answer.token)
    return {
      status: 'inconclusive',
      reason: `the authorization server issued no token to the manifest's client (${answer.exchange.why}); check authServer.clients`,
      controls: [answer.exchange],
      evidence: [],
    };
  const [h, p] = answer.token.split('.');
  return {
    token: answer.token,
    header: decodeObject(h),
    claims: decodeObject(p),
    exchange: answer.exchange,
    response: answer.json ?? {},
  };
}

export const isResult = <T extends object>(x: T | AttackResult): x is AttackResult => 'status' in x;

/**
 * Obtains a token and presents it to the resource server: the positive control of every attack that judges
 * what the RS does with real tokens. The RS refusing it is inconclusive, never a pass.
 */
export async function obtainAccepted(
  ctx: AttackContext,
  channel: Channel,
  label = 'token obtained by client_credentials',
): Promise<{ obtained: ObtainedToken; control: Exchange } | AttackResult> {
  const obtained = await obtainToken(ctx, label);
  if (isResult(obtained)) return obtained;
  const control = await channel.deliver(
    obtained.token,
    `positive control: ${label}, presented to the resource server`,
  );
  if (control.outcome !== 'accepted')
    return {
      status: 'inconclusive',
      reason: `the resource server refused a token its own authorization server just issued (${control.why}); check policy.audience and authServer.clients`,
      controls: [obtained.exchange, control],
      evidence: [],
    };
  return { obtained, control };
}

import { randomBytes } from 'node:crypto';
import { decodeObject } from '../../fixtures/forge/b64url.ts';
import { isResult, oauthOf, obtainToken } from '../../src/catalog/obtained.ts';
import { cwe, rfc } from '../../src/catalog/references.ts';
import type { Attack } from '../../src/catalog/types.ts';
import type { ClientAuth } from '../../src/oauth/client.ts';
import type { Exchange } from '../../src/verdict/types.ts';

const scopesOf = (v: unknown) => (typeof v === 'string' ? v.split(' ').filter(Boolean) : []);

export const scopeEscalation: Attack = {
  id: 'OAUTH-SCOPE-ESCALATION',
  title: 'A client asks for a scope it is not registered for, and gets it',
  area: 'oauth2',
  severity: 'high',
  expectation:
    "A token request for a scope beyond the client's registration is refused (400 invalid_scope) or answered with a narrower scope that leaves it out (RFC 6749 §3.3).",
  references: [rfc('6749', '3.3'), rfc('6749', '5.2'), rfc('9700', '2.3'), cwe(269), cwe(863)],
  requires: ['obtain'],
  async run(ctx) {
    const oauth = oauthOf(ctx);
    const registered = oauth.registeredScopes;
    if (!registered.length)
      return {
        status: 'skipped',
        reason:
          'the manifest does not say which scopes the client is registered for (authServer.clients[0].scope)',
        controls: [],
        evidence: [],
      };
    const wanted =
      ctx.endpointChannels.flatMap((c) => scopesOf(c.endpoint.scope)).find((s) => !registered.includes(s)) ??
      'gauntlet:unregistered';
    const control = await oauth.obtain('positive control: the registered scopes');
    if (!control.token)
      return {
        status: 'inconclusive',
        reason: `the client could not obtain a token for its registered scopes (${control.exchange.why})`,
        controls: [control.exchange],
        evidence: [],
      };
    const asked = await oauth.obtain(`scope "${wanted}" added to the registered ones`, {
      scope: [...registered, wanted].join(' '),
    });
    const evidence: Exchange[] = [asked.exchange];
    if (!asked.token) {
      if (asked.exchange.outcome === 'rejected')
        return {
          status: 'pass',
          reason: `the request for "${wanted}" was refused (${asked.exchange.why})`,
          controls: [control.exchange],
          evidence,
        };
      return {
        status: 'inconclusive',
        reason: `no clear answer (${asked.exchange.why})`,
        controls: [control.exchange],
        evidence,
      };
    }
    const claims = decodeObject(asked.token.split('.')[1]);
    const granted = new Set([...scopesOf(claims.scope), ...scopesOf(asked.json?.scope)]);
    if (!granted.has(wanted))
      return {
        status: 'pass',
        reason: `a token was issued without "${wanted}" (scope narrowed to the registration)`,
        controls: [control.exchange],
        evidence,
      };
    const needs = ctx.endpointChannels.find((c) => scopesOf(c.endpoint.scope).includes(wanted));
    if (needs) evidence.push(await needs.deliver(asked.token, `the escalated token on ${needs.name}`));
    return {
      status: 'fail',
      reason: `the client is registered for "${registered.join(' ')}" (manifest) and was granted "${wanted}" on request${needs && evidence[1]?.outcome === 'accepted' ? `; ${needs.name} accepted the token` : ''}. If the client really is registered for it, add it to authServer.clients[0].scope`,
      controls: [control.exchange],
      evidence,
    };
  },
};

export const clientAuthentication: Attack = {
  id: 'OAUTH-CLIENT-AUTH',
  title: 'Token endpoint issues tokens without valid client authentication',
  area: 'oauth2',
  severity: 'critical',
  expectation:
    'A client_credentials request with a wrong secret, no credentials or an unknown client id is refused (401/400 invalid_client); only the registered credentials get a token.',
  references: [rfc('6749', '2.3.1'), rfc('6749', '3.2.1'), rfc('6749', '5.2'), cwe(287)],
  requires: ['obtain'],
  async run(ctx) {
    const oauth = oauthOf(ctx);
    const good = oauth.auth;
    const wrong = () => randomBytes(18).toString('base64url');
    const cases: { label: string; auth: ClientAuth | null }[] = [
      { label: 'the right client id, a wrong secret', auth: { ...good, secret: wrong() } },
      { label: 'the right client id, an empty secret', auth: { ...good, secret: '' } },
      {
        label: 'an unknown client id',
        auth: { ...good, id: `gauntlet-unknown-${wrong().slice(0, 6)}`, secret: wrong() },
      },
      { label: 'no client credentials at all', auth: null },
    ];
    const control = await oauth.obtain('positive control: the registered credentials');
    if (!control.token)
      return {
        status: 'inconclusive',
        reason: `the registered client could not obtain a token (${control.exchange.why}); a refusal of wrong credentials proves nothing`,
        controls: [control.exchange],
        evidence: [],
      };
    const answers = [];
    for (const c of cases) answers.push(await oauth.obtain(c.label, { auth: c.auth }));
    const evidence = answers.map((a) => a.exchange);
    const granted = answers.filter((a) => a.token).map((a) => a.exchange);
    if (granted.length)
      return {
        status: 'fail',
        reason: `tokens were issued for ${granted.map((e) => e.label).join('; ')}: client authentication is not enforced`,
        controls: [control.exchange],
        evidence,
      };
    const unclear = evidence.filter((e) => e.outcome !== 'rejected');
    if (unclear.length)
      return {
        status: 'inconclusive',
        reason: `no clear refusal for ${unclear.map((e) => `${e.label} (${e.why})`).join('; ')}`,
        controls: [control.exchange],
        evidence,
      };
    return {
      status: 'pass',
      reason: `all ${cases.length} requests without valid credentials refused (${[...new Set(evidence.map((e) => e.response?.status))].join('/')}) while the registered client got a token`,
      controls: [control.exchange],
      evidence,
    };
  },
};

export const revokeIneffective: Attack = {
  id: 'OAUTH-REVOKE-INEFFECTIVE',
  title: 'Revocation answers 200 but the token stays active (introspection)',
  area: 'oauth2',
  severity: 'high',
  expectation:
    'After a successful revocation request (RFC 7009), introspection of the token says active: false (RFC 7662 §2.2).',
  references: [rfc('7009', '2.1'), rfc('7009', '2.2'), rfc('7662', '2.2'), cwe(613)],
  requires: ['obtain', 'revoke'],
  async run(ctx) {
    const oauth = oauthOf(ctx);
    if (!oauth.spec.introspectionEndpoint)
      return {
        status: 'skipped',
        reason:
          'the authorization server has no introspection endpoint (RFC 7662) to ask whether the token is still active',
        controls: [],
        evidence: [],
      };
    const got = await obtainToken(ctx);
    if (isResult(got)) return got;
    const before = await oauth.introspect(got.token, 'positive control: introspection of the fresh token');
    const controls = [got.exchange, before.exchange];
    if (before.json?.active !== true)
      return {
        status: 'inconclusive',
        reason: `introspection does not report a fresh token active (${before.exchange.why}); its answer after a revocation would prove nothing`,
        controls,
        evidence: [],
      };
    const revoke = await oauth.revoke(got.token, 'revocation of the token (RFC 7009)');
    const after = await oauth.introspect(got.token, 'introspection after the revocation');
    const evidence = [revoke.exchange, after.exchange];
    if (revoke.status !== 200)
      return {
        status: 'inconclusive',
        reason: `revocation not confirmed (${revoke.exchange.why})`,
        controls,
        evidence,
      };
    if (after.json?.active === true)
      return {
        status: 'fail',
        reason:
          'the revocation endpoint answered 200, and introspection still says the token is active: revocation does nothing',
        controls,
        evidence,
      };
    if (after.json?.active !== false)
      return {
        status: 'inconclusive',
        reason: `no clear introspection answer (${after.exchange.why})`,
        controls,
        evidence,
      };
    return {
      status: 'pass',
      reason: 'revoked (200), then introspected as active: false',
      controls,
      evidence,
    };
  },
};

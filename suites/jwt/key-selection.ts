import { randomBytes } from 'node:crypto';
import { keyForAlg } from '../../fixtures/forge/factory.ts';
import { forge } from '../../fixtures/forge/token.ts';
import { publicJwks } from '../../fixtures/issuer/keys.ts';
import { toPem } from '../../fixtures/pki/pem.ts';
import { cve, cwe, rfc } from '../../src/catalog/references.ts';
import { tokenAttack } from '../../src/catalog/token-attack.ts';
import type { Attack, AttackContext, AttackResult } from '../../src/catalog/types.ts';
import { type ChannelRun, judgeRejections } from '../../src/verdict/judge.ts';
import type { Exchange } from '../../src/verdict/types.ts';

export const embeddedJwk = tokenAttack({
  id: 'JWT-KEY-EMBEDDED-JWK',
  title: "Attacker's public key embedded in the header (jwk)",
  area: 'jwt',
  severity: 'critical',
  expectation: 'A key carried in the token itself is never trusted: keys come only from the configured JWKS.',
  references: [rfc('7515', '4.1.3'), rfc('8725', '3.10'), cwe(347), cve('CVE-2018-0114')],
  cases: (t) =>
    ['RS256', 'ES256', 'EdDSA']
      .filter((alg) => keyForAlg(t.attacker, alg))
      .flatMap((alg) => {
        const k = keyForAlg(t.attacker, alg)!;
        const { x5c: _x5c, ...jwk } = k.publicJwk;
        return [
          { label: `${alg}, jwk header, attacker kid`, token: t.byAttacker(alg, { kid: k.kid, jwk }) },
          { label: `${alg}, jwk header, no kid`, token: t.byAttacker(alg, { kid: undefined, jwk }) },
          { label: `${alg}, jwk header, trusted kid`, token: t.byAttacker(alg, { jwk }) },
        ];
      }),
});

export const x5cSelfSigned = tokenAttack({
  id: 'JWT-KEY-X5C-SELF-SIGNED',
  title: 'Self-signed certificate chain in the header (x5c)',
  area: 'jwt',
  severity: 'critical',
  expectation:
    'An x5c chain in the token is not trusted unless it validates to a configured trust anchor; by default keys come only from the JWKS.',
  references: [rfc('7515', '4.1.6'), rfc('8725', '3.10'), cwe(295), cwe(347)],
  cases(t) {
    const k = keyForAlg(t.attacker, 'RS256')!;
    const x5c = k.publicJwk.x5c;
    return [
      {
        label: 'RS256, x5c self-signed by the attacker, attacker kid',
        token: t.byAttacker('RS256', { kid: k.kid, x5c }),
      },
      {
        label: 'RS256, x5c self-signed by the attacker, no kid',
        token: t.byAttacker('RS256', { kid: undefined, x5c }),
      },
    ];
  },
});

/**
 * jku and x5u: the header points at a URL the attacker serves (on 127.0.0.1). Accepting the token is a
 * forgery; merely fetching the URL is a server-side request forgery (SSRF) the attacker steers.
 */
function remoteKeyAttack(param: 'jku' | 'x5u') {
  const path = (target: string, nonce: string) => `/${param}/${encodeURIComponent(target)}-${nonce}`;
  const nonces = new WeakMap<AttackContext, string>();
  return tokenAttack({
    id: `JWT-KEY-${param.toUpperCase()}`,
    title:
      param === 'jku'
        ? "Header jku pointing at the attacker's JWKS"
        : "Header x5u pointing at the attacker's certificate",
    area: 'jwt',
    severity: 'critical',
    expectation: `The ${param} header is ignored (or checked against an allow-list): the target neither fetches the attacker's URL nor trusts its key.`,
    references: [rfc('7515', param === 'jku' ? '4.1.2' : '4.1.5'), rfc('8725', '3.10'), cwe(918), cwe(347)],
    cases: () => [],
    async targetCases(t, ctx) {
      const srv = await ctx.attackerServer();
      const k = keyForAlg(t.attacker, 'RS256')!;
      const nonce = randomBytes(6).toString('hex');
      nonces.set(ctx, nonce);
      const p = path(ctx.targetName, nonce);
      if (param === 'jku') srv.serve(p, publicJwks(t.attacker));
      else srv.serve(p, toPem(Buffer.from(k.publicJwk.x5c![0]!, 'base64'), 'CERTIFICATE'));
      const url = `${srv.base}${p}`;
      return [
        {
          label: `RS256, ${param} = attacker URL, attacker kid`,
          token: t.byAttacker('RS256', { kid: k.kid, [param]: url }),
        },
        {
          label: `RS256, ${param} = attacker URL, trusted kid`,
          token: t.byAttacker('RS256', { [param]: url }),
        },
      ];
    },
    async afterwards(ctx, result): Promise<AttackResult> {
      const fetched = (await ctx.attackerServer()).hits(path(ctx.targetName, nonces.get(ctx) ?? ''));
      if (result.status === 'fail' || fetched === 0) return result;
      return {
        ...result,
        status: 'fail',
        reason: `the target fetched the attacker's ${param} URL ${fetched} time(s) (SSRF), though it refused the token(s)`,
      };
    },
  });
}

export const jku = remoteKeyAttack('jku');
export const x5u = remoteKeyAttack('x5u');

const TRAVERSAL = '../../../../../../../../../../dev/null';

const EMPTY_SECRET_BASELINE = 'baseline: HS256, harmless unknown kid, empty secret';

export const kidInjection = tokenAttack({
  id: 'JWT-KID-INJECTION',
  title: 'kid injection: path traversal, SQL-ish and command-ish strings, a kid naming another key',
  area: 'jwt',
  severity: 'critical',
  expectation:
    'The kid only ever selects a key of the configured JWKS; it never reaches a file path, a query or a shell.',
  references: [rfc('7515', '4.1.4'), rfc('8725', '3.10'), cwe(22), cwe(89), cwe(78), cwe(347)],
  cases(t) {
    const hs = (label: string, kid: string, secret: string) => ({
      label,
      token: forge({
        header: t.header('HS256', { kid }),
        payload: t.claims(),
        sign: { alg: 'HS256', key: secret },
      }),
    });
    const other = t.trusted.keys.find((k) => k.alg !== t.alg);
    return [
      { ...hs(EMPTY_SECRET_BASELINE, 'gauntlet-no-such-key', ''), informational: true },
      hs('HS256, kid = path traversal to /dev/null, empty secret', TRAVERSAL, ''),
      hs('HS256, kid = /dev/null, empty secret', '/dev/null', ''),
      hs("HS256, kid = SQL injection returning 'gauntlet'", "x' UNION SELECT 'gauntlet' -- ", 'gauntlet'),
      hs('HS256, kid = shell command printing nothing, empty secret', 'x|true', ''),
      hs('HS256, kid = shell substitution', '$(printf gauntlet)', 'gauntlet'),
      ...(other
        ? [
            {
              label: `${t.alg} signed by an attacker key, kid of the trusted ${other.alg} key`,
              token: t.byAttacker(t.alg, { kid: other.kid }),
            },
          ]
        : []),
    ];
  },
  // An empty secret accepted whatever the kid is JWT-ALG-HMAC-EMPTY-KEY's finding, not a kid injection.
  async afterwards(_ctx, result) {
    const baseline = result.evidence.find((e) => e.label === EMPTY_SECRET_BASELINE);
    if (result.status !== 'fail' || baseline?.outcome !== 'accepted') return result;
    const injected = result.evidence.filter(
      (e) =>
        e.outcome === 'accepted' && e.label !== EMPTY_SECRET_BASELINE && !e.label.endsWith('empty secret'),
    );
    if (injected.length) return result;
    return {
      ...result,
      status: 'pass',
      reason:
        'the kid steers nothing: empty-secret HS256 tokens are accepted whatever the kid (that is JWT-ALG-HMAC-EMPTY-KEY), and every other injected kid was refused',
    };
  },
});

export const kidUnknown = tokenAttack({
  id: 'JWT-KID-UNKNOWN',
  title: 'Unknown kid, signed by an attacker key',
  area: 'jwt',
  severity: 'critical',
  expectation:
    'A kid that is not in the trusted key set is refused (after at most one bounded JWKS refresh).',
  references: [rfc('7515', '4.1.4'), rfc('8725', '3.10'), cwe(347)],
  cases(t) {
    const alg = t.alg;
    const kid = `gauntlet-unknown-${randomBytes(4).toString('hex')}`;
    return [
      {
        label: `${alg}, kid ${kid} not in the JWKS`,
        token: t.byAttacker(alg, { kid }),
      },
    ];
  },
});

const FLOOD = 12;

/** Unknown kids must not each cost a JWKS fetch: that turns every anonymous request into issuer traffic. */
export const kidRefetchFlood: Attack = {
  id: 'JWT-KID-REFETCH-FLOOD',
  title: 'A burst of unknown kids: does each one make the target refetch the JWKS?',
  area: 'jwt',
  severity: 'medium',
  expectation: `${FLOOD} tokens with ${FLOOD} different unknown kids cause at most a couple of JWKS fetches (a bounded refresh), not one each.`,
  references: [rfc('8725', '3.10'), rfc('7517', '5'), cwe(400), cwe(770)],
  requires: ['mint'],
  async run(ctx) {
    const jwksPath = ctx.issuer ? new URL(ctx.issuer.jwksUri).pathname : '/jwks.json';
    const before = await ctx.issuerHits(jwksPath);
    if (before === undefined || before === 0) {
      return {
        status: 'skipped',
        reason: 'the target does not fetch the JWKS from the harness issuer (fetches cannot be counted)',
        controls: [],
        evidence: [],
      };
    }
    const t = ctx.tokens;
    const tokens = Array.from({ length: FLOOD }, (_, i) => ({
      label: `unknown kid #${i + 1}`,
      token: t.byAttacker(t.alg, { kid: `gauntlet-flood-${randomBytes(6).toString('hex')}` }),
    }));
    const runs: ChannelRun[] = [];
    for (const ch of ctx.channels) {
      const control = await ctx.control(ch);
      if (control.outcome !== 'accepted') {
        runs.push({ channel: ch.name, before: control, exchanges: [] });
        continue;
      }
      const exchanges: Exchange[] = [];
      for (const c of tokens) exchanges.push(await ch.deliver(c.token, c.label));
      runs.push({ channel: ch.name, before: control, exchanges, after: await ctx.control(ch) });
    }
    const result = judgeRejections(runs);
    if (result.status !== 'pass') return result;
    const fetched = ((await ctx.issuerHits(jwksPath)) ?? before) - before;
    const sent = FLOOD * runs.length;
    if (fetched > 3) {
      return {
        ...result,
        status: 'fail',
        reason: `${sent} tokens with unknown kids made the target fetch the JWKS ${fetched} times: each anonymous request becomes issuer traffic`,
      };
    }
    return {
      ...result,
      reason: `${sent} tokens with unknown kids refused; the JWKS was fetched ${fetched} time(s)`,
    };
  },
};

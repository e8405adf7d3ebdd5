import { forge } from '../../fixtures/forge/token.ts';
import { candidateSecrets, crackHmac, maskSecret } from '../../fixtures/wordlists/secrets.ts';
import { isResult, obtainToken } from '../../src/catalog/obtained.ts';
import { cwe, rfc } from '../../src/catalog/references.ts';
import type { Attack, AttackContext } from '../../src/catalog/types.ts';
import { knownSecrets } from '../../src/report/secrets.ts';

/** Words of the target itself that a lazy secret is often made of. */
function targetWords(ctx: AttackContext): string[] {
  const out = [ctx.targetName, ctx.policy.audience, ...(ctx.oauth ? [ctx.oauth.auth.id] : [])];
  try {
    out.push(new URL(ctx.policy.issuer).hostname);
  } catch {}
  return out;
}

export const weakHmacSecret: Attack = {
  id: 'AS-WEAK-HMAC-SECRET',
  title: 'Tokens HMAC-signed with a guessable secret (offline word-list attack)',
  area: 'issuer',
  severity: 'critical',
  expectation:
    'Access tokens are signed with an asymmetric key, or with an HMAC secret that no word list guesses (a guessed secret lets anyone mint tokens).',
  references: [rfc('8725', '3.5'), rfc('7518', '3.2'), cwe(521), cwe(798)],
  requires: ['obtain'],
  async run(ctx) {
    const got = await obtainToken(ctx);
    if (isResult(got)) return got;
    const alg = String(got.header.alg);
    const controls = [got.exchange];
    if (!/^HS(256|384|512)$/.test(alg))
      return {
        status: 'pass',
        reason: `the authorization server signs with ${alg}, not a shared HMAC secret: there is no secret to guess`,
        controls,
        evidence: [],
      };
    const candidates = candidateSecrets(targetWords(ctx));
    const found = crackHmac(got.token, candidates);
    if (!found)
      return {
        status: 'pass',
        reason: `${alg}-signed, and none of ${candidates.length} common secrets and variants verifies the token`,
        controls,
        evidence: [],
      };
    // impact: a token of the forger's choosing, with every scope the endpoints name, signed with the secret
    const scopes = [...new Set(ctx.endpointChannels.flatMap((c) => c.endpoint.scope?.split(' ') ?? []))];
    const now = Math.floor(Date.now() / 1000);
    const forged = forge({
      header: got.header,
      payload: {
        ...got.claims,
        sub: 'gauntlet-forged-subject',
        jti: `gauntlet-forged-${now}`,
        iat: now,
        exp: now + 300,
        ...(scopes.length ? { scope: scopes.join(' ') } : {}),
      },
      sign: { alg, key: found.secret },
    });
    const target = ctx.endpointChannels.find((c) => c.endpoint.scope) ?? ctx.channels[0]!;
    const impact = await target.deliver(
      forged,
      'token forged with the guessed secret (every scope, another subject)',
    );
    const usable =
      impact.outcome === 'accepted' ? `; a token forged with it was accepted on ${target.name}` : '';
    return {
      status: 'fail',
      reason: `the ${alg} signing secret is a word-list guess: ${maskSecret(found.secret)}, candidate ${found.tried} of ${candidates.length}${usable}. Anyone can mint tokens: rotate to an asymmetric key`,
      controls,
      evidence: [impact],
    };
  },
};

export const tokenLifetime: Attack = {
  id: 'AS-TOKEN-LIFETIME',
  title: 'Access-token lifetime longer than the policy allows, or no expiry at all',
  area: 'issuer',
  severity: 'medium',
  expectation:
    'Issued access tokens carry exp, and exp − iat is at most policy.maxTokenLifetimeSeconds (short-lived bearer tokens limit what a stolen one is worth).',
  references: [rfc('6819', '5.1.5.3'), rfc('9068', '2.2'), cwe(613)],
  requires: ['obtain'],
  async run(ctx) {
    const got = await obtainToken(ctx);
    if (isResult(got)) return got;
    const controls = [got.exchange];
    const { exp, iat } = got.claims;
    const max = ctx.policy.maxTokenLifetimeSeconds;
    if (typeof exp !== 'number')
      return {
        status: 'fail',
        reason: 'the issued access token has no numeric exp: it never expires',
        controls: [],
        evidence: controls,
      };
    const from = typeof iat === 'number' ? iat : Math.floor(Date.now() / 1000);
    const lifetime = exp - from;
    const said =
      got.response.expires_in !== undefined ? ` (expires_in ${String(got.response.expires_in)})` : '';
    if (lifetime > max)
      return {
        status: 'fail',
        reason: `access tokens live ${lifetime} s${said}, more than the ${max} s policy.maxTokenLifetimeSeconds allows`,
        controls: [],
        evidence: controls,
      };
    return {
      status: 'pass',
      reason: `access tokens live ${lifetime} s${said}, within ${max} s`,
      controls,
      evidence: [],
    };
  },
};

const SECRET_NAME =
  /pass(word|wd)?$|secret|private|credential|api[-_]?key|^pwd$|ssn|card[-_]?(number|no)|cvv/i;
const PII_NAME = /^(email|phone(_number)?|address|birthdate|national_id|tax_id|ip(_address)?)$/i;

/** Claim paths, with what is wrong with each (values never repeated). */
function sensitiveClaims(claims: Record<string, unknown>, secrets: string[]) {
  const secret = new Map<string, string>();
  const pii: string[] = [];
  const walk = (v: unknown, path: string, depth: number) => {
    if (depth > 8) return;
    if (typeof v === 'string' && secrets.some((s) => v.includes(s)))
      secret.set(path, 'holds a secret of this run');
    if (v && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        const p = path ? `${path}.${k}` : k;
        if (SECRET_NAME.test(k)) secret.set(p, 'named like a secret');
        else if (PII_NAME.test(k)) pii.push(p);
        walk(x, p, depth + 1);
      }
  };
  walk(claims, '', 0);
  // a value that is a secret of this run says more than a name that looks like one: it is set last
  return { secret: [...secret].map(([p, why]) => `${p} (${why})`), pii };
}

export const sensitiveClaimsAttack: Attack = {
  id: 'AS-SENSITIVE-CLAIMS',
  title: 'Secrets or personal data in the access token (readable by anyone who holds it)',
  area: 'issuer',
  severity: 'high',
  expectation:
    'A signed, unencrypted JWT is readable by every client, proxy and log that sees it: it carries no secret (client secret, password, key) and no personal data it does not need.',
  references: [rfc('9068', '6'), rfc('7519', '12'), cwe(312), cwe(359)],
  requires: ['obtain'],
  async run(ctx) {
    const got = await obtainToken(ctx);
    if (isResult(got)) return got;
    const controls = [got.exchange];
    const found = sensitiveClaims(got.claims, knownSecrets());
    if (found.secret.length)
      return {
        status: 'fail',
        reason: `the access token carries secrets: ${found.secret.join(', ')}${found.pii.length ? `; and personal data: ${found.pii.join(', ')}` : ''} (values redacted in this report)`,
        controls: [],
        evidence: controls,
      };
    if (found.pii.length)
      return {
        status: 'fail',
        severity: 'low',
        reason: `the access token carries personal data: ${found.pii.join(', ')}; a client-credentials token needs none`,
        controls: [],
        evidence: controls,
      };
    const names = Object.keys(got.claims).join(', ');
    return { status: 'pass', reason: `claims ${names}: no secret, no personal data`, controls, evidence: [] };
  },
};

export const noKid: Attack = {
  id: 'AS-NO-KID',
  title: 'Access tokens without a kid (verifiers cannot select the key; rotation breaks them)',
  area: 'issuer',
  severity: 'low',
  expectation:
    'Every access token names its signing key in kid, so resource servers select it from the JWKS and keys can rotate with an overlap.',
  references: [rfc('7515', '4.1.4'), rfc('7517', '4.5')],
  requires: ['obtain'],
  async run(ctx) {
    const got = await obtainToken(ctx);
    if (isResult(got)) return got;
    const kid = got.header.kid;
    if (typeof kid === 'string' && kid)
      return {
        status: 'pass',
        reason: `tokens name their key (kid ${JSON.stringify(kid)})`,
        controls: [got.exchange],
        evidence: [],
      };
    return {
      status: 'fail',
      reason: `the access token header has no kid (header: ${Object.keys(got.header).join(', ')}): with more than one key, a verifier must guess, and a rotation breaks it`,
      controls: [],
      evidence: [got.exchange],
    };
  },
};

import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { b64url } from '../fixtures/forge/b64url.ts';
import { candidateSecrets, crackHmac, maskSecret } from '../fixtures/wordlists/secrets.ts';
import { basicAuthorization } from '../src/oauth/client.ts';
import { tokenEvidence } from '../src/report/redact.ts';
import { redactSecrets, registerSecrets } from '../src/report/secrets.ts';

function hs256(secret: string, claims: Record<string, unknown> = { sub: 'x' }): string {
  const input = `${b64url(Buffer.from('{"alg":"HS256","typ":"at+jwt"}'))}.${b64url(Buffer.from(JSON.stringify(claims)))}`;
  return `${input}.${b64url(createHmac('sha256', secret).update(input).digest())}`;
}

describe('weak HMAC secret (offline word list)', () => {
  test('finds a listed secret and a simple variant of one, and says how many it tried', () => {
    const list = candidateSecrets([]);
    expect(crackHmac(hs256('changeme'), list)?.secret).toBe('changeme');
    expect(crackHmac(hs256('Supersecret'), list)?.secret).toBe('Supersecret');
    expect(crackHmac(hs256('supersecret123'), list)?.secret).toBe('supersecret123');
    expect(crackHmac(hs256('changeme'), list)!.tried).toBe(list.indexOf('changeme') + 1);
  });

  test("finds a secret made of the target's own words", () => {
    expect(crackHmac(hs256('orders-api2026'), candidateSecrets(['orders-api']))?.secret).toBe(
      'orders-api2026',
    );
  });

  test('a random secret is not found, and an RS256 token is not tried', () => {
    expect(crackHmac(hs256('b7c1f0e9-4f5e-4a6b-9d6c-0f1e2d3c4b5a'), candidateSecrets([]))).toBeUndefined();
    const rs = `${b64url(Buffer.from('{"alg":"RS256"}'))}.${b64url(Buffer.from('{}'))}.AAAA`;
    expect(crackHmac(rs, ['secret'])).toBeUndefined();
  });

  test('a report shows the secret masked, never whole', () => {
    expect(maskSecret('changeme')).toBe('c******e (8 chars)');
    expect(maskSecret('abc')).toBe('*** (3 chars)');
  });
});

describe('secrets of the run stay out of evidence and reports', () => {
  test('client_secret_basic form-urlencodes id and secret before base64 (RFC 6749 §2.3.1)', () => {
    const h = basicAuthorization('my client', 'p:ss/wörd');
    expect(Buffer.from(h.slice(6), 'base64').toString()).toBe('my+client:p%3Ass%2Fw%C3%B6rd');
  });

  test('a registered secret is replaced everywhere in a report, in token claims too', () => {
    const secret = 'live-client-secret-0123';
    registerSecrets(secret, 'short');
    const ev = tokenEvidence(hs256('x', { sub: 'a', client_secret: secret }));
    expect(JSON.stringify(ev)).not.toContain(secret);
    const report = redactSecrets({ a: [`body ${secret} end`], b: { c: secret }, d: 'short stays' });
    expect(JSON.stringify(report)).not.toContain(secret);
    expect(report.a[0]).toMatch(/^body <redacted sha256:[0-9a-f]{16}> end$/);
    expect(report.d).toBe('short stays');
  });
});

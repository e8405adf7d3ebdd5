import { describe, expect, test } from 'vitest';
import { renderHtml } from '../src/report/html.ts';
import { countVerdicts, type RunReport } from '../src/report/types.ts';
import type { Exchange, Status, Verdict } from '../src/verdict/types.ts';

const XSS = '<script>alert(1)</script>';
const LIVE_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlc2lnbmF0dXJl';

function exchange(label: string, over: Partial<Exchange> = {}): Exchange {
  return {
    label,
    channel: 'http',
    outcome: 'rejected',
    why: '401 with WWW-Authenticate',
    request: {
      method: 'GET',
      url: 'https://127.0.0.1:8443/api/me',
      headers: { authorization: 'Bearer <redacted>' },
    },
    response: { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' }, body: '' },
    ms: 3,
    ...over,
  };
}

function verdict(attackId: string, status: Status, over: Partial<Verdict> = {}): Verdict {
  return {
    attackId,
    title: `title of ${attackId}`,
    area: 'jwt',
    severity: 'high',
    references: [
      { id: 'RFC8725 §3.1', url: 'https://www.rfc-editor.org/rfc/rfc8725#section-3.1', title: 'alg' },
    ],
    target: 'reference',
    status,
    reason: `reason for ${attackId}`,
    controls: [
      exchange('valid token', {
        outcome: 'accepted',
        why: '200',
        response: { status: 200, headers: {}, body: 'ok' },
      }),
    ],
    evidence: [exchange('attack token')],
    startedAt: '2026-11-23T10:00:00.000Z',
    ms: 12,
    ...over,
  };
}

const xssExchange = exchange('forged alg=none', {
  outcome: 'accepted',
  why: 'target answered 200: token accepted',
  token: {
    header: { alg: 'none', typ: '</pre><script>alert(2)</script>' },
    payload: { sub: 'admin', note: 'it\'s "quoted"' },
    redacted: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJhZG1pbiJ9.',
    sha256: '0123456789abcdef',
    length: 42,
  },
  request: {
    method: 'GET',
    url: 'https://127.0.0.1:8443/api/me?q="><img src=x onerror=alert(3)>',
    headers: { 'x-note': 'he said "hi" & left \'now\'', 'x-leak': `Bearer ${LIVE_TOKEN}` },
  },
  response: { status: 200, headers: { 'content-type': 'text/html' }, body: `hello ${XSS}` },
  error: 'socket <hang up>',
});

const fixture: RunReport = {
  tool: { name: 'auth-gauntlet', version: '0.1.0' },
  startedAt: '2026-11-23T10:00:00.000Z',
  finishedAt: '2026-11-23T10:05:00.000Z',
  targets: [
    {
      name: 'reference',
      file: 'targets/reference.ts',
      launch: 'containers',
      vuln: 'alg_none',
      verdicts: [
        verdict('JWT-SIG-STRIP', 'pass'),
        verdict('JWT-ALG-NONE', 'fail', {
          severity: 'critical',
          evidence: [xssExchange, ...Array.from({ length: 52 }, (_, i) => exchange(`variant ${i}`))],
          references: [
            { id: 'CVE-2015-9235', url: 'https://nvd.nist.gov/vuln/detail/CVE-2015-9235', title: 'alg none' },
            { id: 'EVIL-REF', url: 'javascript:alert(4)', title: 'evil' },
            { id: 'PLAIN-REF', url: 'http://example.com/x' },
          ],
        }),
        verdict('JWT-AUD-SKIP', 'fail', {
          accepted: { justification: 'single-audience deployment, ticket SEC-42', expires: '2027-01-31' },
        }),
        verdict('JWT-EXP-LEEWAY', 'inconclusive', { reason: 'positive control rejected: 500' }),
        verdict('GRPC-ALG-NONE', 'skipped', {
          reason: 'capability grpc missing',
          controls: [],
          evidence: [],
        }),
      ],
      logs: { rs: `starting\n${XSS}\ntoken ${LIVE_TOKEN}\n` },
    },
    {
      name: 'Staging "EU" <b>',
      file: 'targets/staging.ts',
      launch: 'url',
      error: `could not reach ${XSS}`,
      verdicts: [
        verdict('JWT-SIG-STRIP', 'pass', { target: 'staging' }),
        verdict('JWT-ALG-NONE', 'inconclusive', { target: 'staging' }),
      ],
    },
  ],
};

const allPass: RunReport = {
  ...fixture,
  targets: fixture.targets.map((t) => ({
    ...t,
    error: undefined,
    verdicts: t.verdicts.map((v) => ({ ...v, status: 'pass' as const, accepted: undefined })),
  })),
};

const html = renderHtml(fixture);
const attrs = (name: string, doc = html) =>
  [...doc.matchAll(new RegExp(`\\s${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);

describe('renderHtml', () => {
  test('escapes untrusted text everywhere', () => {
    expect(html).not.toContain('<script>alert(');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>"');
    expect(html).toContain('he said &quot;hi&quot; &amp; left &#39;now&#39;');
    expect(html).toContain('Staging &quot;EU&quot; &lt;b&gt;');
    // the only real script element is the page's own, fixed one
    expect(html.match(/<script/gi)).toHaveLength(1);
  });

  test('only https references become links', () => {
    expect(html).not.toMatch(/href\s*=\s*["']?\s*javascript:/i);
    expect(html).toContain('EVIL-REF');
    expect(html).toContain('href="https://nvd.nist.gov/vuln/detail/CVE-2015-9235"');
    expect(html).not.toContain('href="http://');
    expect(html).toContain('PLAIN-REF');
  });

  test('every in-page link has a unique anchor, and the matrix links every verdict', () => {
    const ids = attrs('id');
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z0-9-]+$/);
    const links = attrs('href').filter((h) => h.startsWith('#'));
    for (const h of links) expect(ids).toContain(h.slice(1));
    const verdictCount = fixture.targets.reduce((n, t) => n + t.verdicts.length, 0);
    const matrix = html.slice(html.indexOf('<h2>Matrix</h2>'), html.indexOf('<section'));
    expect(attrs('href', matrix)).toHaveLength(verdictCount);
    expect(matrix).toContain('not run');
  });

  test('anchors stay unique when target names sanitise to the same id', () => {
    const twins = renderHtml({
      ...fixture,
      targets: [fixture.targets[0]!, { ...fixture.targets[0]!, name: 'Reference!' }],
    });
    const ids = attrs('id', twins);
    expect(new Set(ids).size).toBe(ids.length);
    for (const h of attrs('href', twins).filter((x) => x.startsWith('#'))) expect(ids).toContain(h.slice(1));
  });

  test('summary counts match countVerdicts for each target', () => {
    for (const t of fixture.targets) {
      const row = html.match(
        new RegExp(
          `<tr data-target="${t.name.replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}">.*?</tr>`,
        ),
      )?.[0];
      expect(row, t.name).toBeDefined();
      const shown = Object.fromEntries(
        [...row!.matchAll(/data-count="(\w+)">(\d+)</g)].map((m) => [m[1], Number(m[2])]),
      );
      expect(shown).toEqual({ ...countVerdicts(t.verdicts) });
    }
    expect(html).toMatch(/ERROR: not tested/);
  });

  test('overall result: RED with findings/inconclusive/error, GREEN when all pass', () => {
    expect(html).toMatch(/class="overall red">Result: RED/);
    expect(html).not.toMatch(/no findings/i);
    const green = renderHtml(allPass);
    expect(green).toMatch(/class="overall green">Result: GREEN/);
    expect(green).not.toMatch(/Result: RED/);
    const inconclusiveOnly = renderHtml({
      ...allPass,
      targets: [{ ...allPass.targets[0]!, verdicts: [verdict('JWT-EXP-LEEWAY', 'inconclusive')] }],
    });
    expect(inconclusiveOnly).toMatch(/Result: RED/);
    expect(inconclusiveOnly).not.toMatch(/no findings/i);
  });

  test('loads nothing from outside the file', () => {
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/<(img|iframe|object|embed|audio|video|source)\b/i);
    expect(html).not.toMatch(/<[^>]*\ssrc\s*=/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).toContain('Content-Security-Policy');
    expect(html).toContain('default-src &#39;none&#39;');
  });

  test('verdict sections: open states, accepted note, evidence cap, token evidence, logs', () => {
    const section = (id: string) =>
      html.match(new RegExp(`<details class="verdict[^>]*id="${id}"[^>]*>`))?.[0] ?? '';
    expect(section('v-reference-jwt-alg-none')).toContain(' open');
    expect(section('v-reference-jwt-exp-leeway')).toContain(' open');
    expect(section('v-reference-jwt-sig-strip')).not.toContain(' open');
    expect(section('v-reference-jwt-aud-skip')).toContain('data-status="accepted"');
    expect(section('v-reference-jwt-aud-skip')).not.toContain(' open');
    expect(html).toContain('single-audience deployment, ticket SEC-42 (expires 2027-01-31)');
    expect(html).toContain('Evidence (53)');
    expect(html).toContain('+3 more not shown');
    expect(html).toContain('sha256 0123456789abcdef');
    expect(html).toContain('&quot;alg&quot;: &quot;none&quot;');
    expect(html).toContain('&lt;/pre&gt;&lt;script&gt;alert(2)');
    expect(html).toContain('socket &lt;hang up&gt;');
    expect(html).not.toContain(LIVE_TOKEN);
    expect(html).toMatch(/<details class="log"><summary>logs: rs<\/summary>/);
    expect(html).toMatch(
      /class="error" role="alert"><b>Target could not be tested:<\/b><pre>could not reach &lt;script&gt;/,
    );
  });

  test('a single target has no matrix', () => {
    const one = renderHtml({ ...fixture, targets: [fixture.targets[0]!] });
    expect(one).not.toContain('<h2>Matrix</h2>');
    expect(one).toContain('1 target(s)');
  });
});

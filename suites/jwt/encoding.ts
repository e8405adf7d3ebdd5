import { b64url } from '../../fixtures/forge/b64url.ts';
import { forge } from '../../fixtures/forge/token.ts';
import { cwe, rfc } from '../../src/catalog/references.ts';
import { tokenAttack } from '../../src/catalog/token-attack.ts';

export const lenientEncoding = tokenAttack({
  id: 'JWT-ENC-LENIENT',
  title: 'Non-strict serialisation of a valid token: base64 padding, standard alphabet, an extra segment',
  area: 'jwt',
  // the signed bytes are unchanged: lenient parsing, no forgery
  severity: 'info',
  expectation:
    'Only exactly three strict base64url segments are accepted (RFC 7515 §7.1); padded or extended forms are refused.',
  references: [rfc('7515', '2'), rfc('7515', '7.1'), cwe(20)],
  errorsAreFindings: true,
  async cases(t) {
    const token = await t.valid();
    const [h, p, s] = token.split('.') as [string, string, string];
    const std = (seg: string) => Buffer.from(seg, 'base64url').toString('base64');
    return [
      { label: 'header in standard base64 with padding', token: `${std(h)}.${p}.${s}` },
      { label: 'payload in standard base64 with padding', token: `${h}.${std(p)}.${s}` },
      { label: 'signature in standard base64 with padding', token: `${h}.${p}.${std(s)}` },
      { label: "'==' appended to the signature", token: `${token}==` },
      { label: 'a fourth segment', token: `${token}.${s}` },
      // where standard base64 happens to spell the segment the same way, the case would be the valid token
    ].filter((c) => c.token !== token);
  },
});

export const malformedEncoding = tokenAttack({
  id: 'JWT-ENC-MALFORMED',
  title:
    'Broken compact serialisation: missing segments, a JWE-shaped token, bytes that are not base64url or JSON',
  area: 'jwt',
  severity: 'medium',
  expectation:
    'A token that cannot be parsed as a JWS is refused with 401 (or 400), never a 500 or a time-out.',
  references: [rfc('7515', '7.1'), rfc('7519', '7.2'), cwe(20), cwe(755)],
  errorsAreFindings: true,
  async cases(t) {
    const token = await t.valid();
    const [h, p, s] = token.split('.') as [string, string, string];
    return [
      { label: "'*' inside the payload segment", token: `${h}.${p.slice(0, 10)}*${p.slice(10)}.${s}` },
      { label: 'two segments (header.payload)', token: `${h}.${p}` },
      { label: 'one segment', token: h },
      { label: 'empty segments (..)', token: '..' },
      {
        label: 'JWE-shaped: five segments',
        token: `${b64url('{"alg":"dir","enc":"A128GCM"}')}..${b64url('iv-iv-iv-iv')}.${p}.${b64url('tag-tag-tag-tag')}`,
      },
      { label: 'header not JSON', token: `${b64url('not json')}.${p}.${s}` },
      { label: 'payload not JSON', token: `${h}.${b64url('{"sub": "x",')}.${s}` },
    ];
  },
});

export const duplicateKeys = tokenAttack({
  id: 'JWT-ENC-DUPLICATE-KEYS',
  title: 'Duplicate JSON member names where the first occurrence carries the expected value',
  area: 'jwt',
  severity: 'high',
  expectation:
    'Duplicate members are refused or the last one wins (RFC 7515 §5.2, RFC 7519 §4); a parser that keeps the first is fooled.',
  references: [rfc('7515', '5.2'), rfc('7519', '4'), rfc('8259', '4'), cwe(436)],
  cases(t) {
    const claims = JSON.stringify(t.claims()).slice(0, -1);
    return [
      {
        label: 'payload: iss expected, then iss attacker',
        token: t.signed({ raw: `${claims},"iss":"https://issuer.attacker.example"}` }),
      },
      {
        label: 'payload: aud expected, then aud attacker',
        token: t.signed({ raw: `${claims},"aud":"https://other-api.attacker.example"}` }),
      },
    ];
  },
});

export const oversized = tokenAttack({
  id: 'JWT-ENC-OVERSIZED',
  title: 'Very large and deeply nested tokens, and bytes that are not UTF-8',
  area: 'jwt',
  severity: 'medium',
  expectation:
    'Oversized, deeply nested or non-UTF-8 tokens are refused quickly (401/400/413/431), never a 500 or a time-out.',
  references: [rfc('7519', '7.2'), rfc('8725', '3.6'), cwe(400), cwe(674), cwe(20)],
  errorsAreFindings: true,
  cases(t) {
    const bad = { literal: b64url('not-a-signature') };
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    return [
      {
        label: 'payload with a 60 KiB claim',
        token: forge({
          header: t.header(),
          payload: t.claims(undefined, { pad: 'A'.repeat(60_000) }),
          signature: bad,
        }),
      },
      {
        label: 'payload nested 5000 arrays deep',
        token: forge({ header: t.header(), payload: { raw: `{"x":${deep}}` }, signature: bad }),
      },
      {
        label: 'header nested 5000 arrays deep',
        token: forge({ header: { raw: `{"alg":"RS256","x":${deep}}` }, payload: t.claims(), signature: bad }),
      },
      {
        label: 'payload with invalid UTF-8 bytes',
        token: forge({
          header: t.header(),
          payload: { raw: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
          signature: bad,
        }),
      },
    ];
  },
});

import { forge } from '../../fixtures/forge/token.ts';
import { cve, cwe, rfc } from '../../src/catalog/references.ts';
import { tokenAttack } from '../../src/catalog/token-attack.ts';

const NONE_SPELLINGS = ['none', 'None', 'NONE', 'nOnE'];

export const algNone = tokenAttack(
  {
    id: 'JWT-ALG-NONE',
    title: "Unsecured token: alg 'none' in every letter case, with and without a signature",
    area: 'jwt',
    severity: 'critical',
    expectation:
      "Tokens with alg 'none' (any case) are refused: the alg allow-list comes from configuration, never from the token.",
    references: [
      rfc('8725', '2.1'),
      rfc('8725', '3.1'),
      rfc('7518', '3.6'),
      cwe(347),
      cwe(327),
      cve('CVE-2015-9235'),
      cve('CVE-2022-23540'),
    ],
  },
  async (t) => {
    const valid = await t.valid();
    const realSignature = valid.split('.')[2]!;
    return NONE_SPELLINGS.flatMap((alg) => [
      {
        label: `alg ${alg}, empty signature`,
        token: forge({ header: t.header(alg, { kid: undefined }), payload: t.claims() }),
      },
      {
        label: `alg ${alg}, a signature kept`,
        token: forge({ header: t.header(alg), payload: t.claims(), signature: { literal: realSignature } }),
      },
    ]);
  },
);

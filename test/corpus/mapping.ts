/**
 * The harness's attack ids → the corpus's class names. It lives here, in the harness's own tests: the
 * harness itself knows nothing about the corpus. An attack that is not listed has no corpus class: any
 * finding it reports on a corpus entry counts as a false positive (corpus README, "Score").
 *
 * Classes the corpus lists only as `also_accepts` (real behaviour, no CVE): `crit-ignored`,
 * `malformed-signature`, `exp-not-required`, `iss-aud-not-required` (its token `no-iss-aud` lacks both
 * claims; the harness checks each claim on its own, so both attacks map to it).
 */
export const ATTACK_CLASS: Readonly<Record<string, string>> = {
  'JWT-ALG-NONE': 'alg-none',
  'JWT-ALG-HMAC-PUBKEY-PEM': 'key-confusion-hmac-pem',
  'JWT-ALG-HMAC-PUBKEY-JWK': 'key-confusion-hmac-jwk',
  'JWT-ALG-HMAC-EMPTY-KEY': 'empty-hmac-key',
  'JWT-KEY-EMBEDDED-JWK': 'embedded-jwk',
  // a key carried in the token itself, as an x5c chain instead of a jwk: the same class of flaw
  'JWT-KEY-X5C-SELF-SIGNED': 'embedded-jwk',
  'JWT-SIG-STRIPPED': 'signature-stripped',
  'JWT-SIG-ECDSA-PSYCHIC': 'psychic-signature',
  'JWT-HDR-CRIT-UNKNOWN': 'crit-ignored',
  'JWT-CLAIM-ISS-ARRAY': 'iss-array',
  'JWT-PAYLOAD-NOT-OBJECT': 'payload-not-object',
  'JWT-SIG-JUNK-CHARS': 'malformed-signature',
  'JWT-CLAIM-EXP-MISSING': 'exp-not-required',
  // an exp the check cannot read is an exp that is not required
  'JWT-CLAIM-EXP-TYPE': 'exp-not-required',
  'JWT-CLAIM-ISS-MISSING': 'iss-aud-not-required',
  'JWT-CLAIM-AUD-MISSING': 'iss-aud-not-required',
  // an iss or aud of a type the check cannot read is one that is not required
  'JWT-CLAIM-TYPES': 'iss-aud-not-required',
};

/** The class a finding of this attack stands for; an unmapped attack stands for itself. */
export function classOf(attackId: string): string {
  return ATTACK_CLASS[attackId] ?? attackId;
}

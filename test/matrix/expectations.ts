/**
 * The self-validation matrix: for each vulnerability switch of the bundled reference, exactly the attacks
 * that must go red. Every other attack must stay green; with no switch, everything is green.
 */
export const EXPECTED_RED: Record<string, string[]> = {
  alg_none: ['JWT-ALG-NONE'],
  no_signature_check: [
    'JWT-ALG-NONE',
    'JWT-SIG-STRIPPED',
    'JWT-SIG-UNKNOWN-KEY',
    'JWT-SIG-TAMPERED',
    'JWT-KID-UNKNOWN',
  ],
  skip_exp: ['JWT-CLAIM-EXP-EXPIRED', 'JWT-CLAIM-EXP-MISSING'],
  skip_nbf: ['JWT-CLAIM-NBF-FUTURE'],
  huge_leeway: ['JWT-CLAIM-EXP-EXPIRED', 'JWT-CLAIM-NBF-FUTURE'],
  skip_iss: ['JWT-CLAIM-ISS-WRONG', 'JWT-CLAIM-ISS-MISSING'],
  skip_aud: ['JWT-CLAIM-AUD-WRONG', 'JWT-CLAIM-AUD-MISSING'],
};

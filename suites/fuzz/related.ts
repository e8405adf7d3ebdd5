import type { Change, Recipe } from './arbitraries.ts';

/**
 * The scripted attack that covers the flaw a one-change counterexample shows: a fuzz finding names it, takes
 * its severity (a deviation the catalog calls advisory stays advisory), and reads as "the same flaw as X".
 * Counterexamples with several changes, or a change no scripted attack covers, relate to nothing.
 */
function related(c: Change): string | undefined {
  if ('header' in c) {
    if (c.header === 'kid') return c.to === 'path' ? 'JWT-KID-INJECTION' : 'JWT-KID-UNKNOWN';
    if (c.header === 'typ') return 'JWT-HDR-TYP';
    // an empty crit, or one naming a registered parameter, is malformed but hides no extension: lenient parsing
    if (c.header === 'crit') return c.to === 'unknown' ? 'JWT-HDR-CRIT-UNKNOWN' : 'JWT-ENC-LENIENT';
    // another alg in the header over the trusted key's own signature: nothing forged, the header is ignored
    if (c.header === 'alg') return /^none$/i.test(c.to) ? 'JWT-ALG-NONE' : 'JWT-ALG-OUTSIDE-POLICY';
    return undefined;
  }
  if ('sign' in c) {
    switch (c.sign) {
      case 'attacker':
        return { none: 'JWT-SIG-UNKNOWN-KEY', jwk: 'JWT-KEY-EMBEDDED-JWK', x5c: 'JWT-KEY-X5C-SELF-SIGNED' }[
          c.embed
        ];
      case 'none':
        return 'JWT-ALG-NONE';
      case 'hmac':
        return {
          'public-pem': 'JWT-ALG-HMAC-PUBKEY-PEM',
          empty: 'JWT-ALG-HMAC-EMPTY-KEY',
          // the file a path kid names is /dev/null: the secret is empty
          'kid-file': 'JWT-ALG-HMAC-EMPTY-KEY',
          guess: undefined,
        }[c.secret];
      case 'stripped':
        return 'JWT-SIG-STRIPPED';
      case 'other-key':
        return 'JWT-ALG-CROSS-FAMILY';
      case 'other-alg':
        return 'JWT-ALG-OUTSIDE-POLICY';
      case 'ecdsa':
        return c.form === 'der' ? 'JWT-SIG-ECDSA-DER' : 'JWT-SIG-ECDSA-PSYCHIC';
    }
  }
  if ('mutate' in c) {
    if (c.mutate === 'std-base64' || c.mutate === 'duplicate') return 'JWT-ENC-LENIENT';
    if (c.mutate === 'tamper') return 'JWT-SIG-TAMPERED';
    if (c.mutate === 'insert') {
      // a character outside base64url that a lenient decoder drops; padding, the standard alphabet or an extra
      // dot is lenient encoding; a base64url character changes the bytes
      if (/[~*%!]/.test(c.text)) return 'JWT-SIG-JUNK-CHARS';
      return /[=+/.]/.test(c.text) ? 'JWT-ENC-LENIENT' : 'JWT-SIG-MANGLED';
    }
    return c.mutate === 'truncate' || c.segment === 2 ? 'JWT-SIG-MANGLED' : undefined;
  }
  if ('claim' in c) {
    const to = 'to' in c ? c.to : undefined;
    switch (c.claim) {
      case 'iss':
        return {
          other: 'JWT-CLAIM-ISS-WRONG',
          empty: 'JWT-CLAIM-ISS-WRONG',
          absent: 'JWT-CLAIM-ISS-MISSING',
          array: 'JWT-CLAIM-ISS-ARRAY',
          'trailing-slash': 'JWT-CLAIM-ISS-LOOKALIKE',
          'upper-case': 'JWT-CLAIM-ISS-LOOKALIKE',
          number: 'JWT-CLAIM-TYPES',
        }[to as string];
      case 'aud':
        // an empty audience list names no audience: the claim is as good as absent
        if (to === 'absent' || to === 'empty-array') return 'JWT-CLAIM-AUD-MISSING';
        if (to === 'superstring' || to === 'prefix' || to === 'upper-case') return 'JWT-CLAIM-AUD-LOOKALIKE';
        if (to === 'number') return 'JWT-CLAIM-TYPES';
        return to === 'other' || to === 'array-of-other' ? 'JWT-CLAIM-AUD-WRONG' : undefined;
      case 'exp':
        return to === 'absent'
          ? 'JWT-CLAIM-EXP-MISSING'
          : to === 'string'
            ? 'JWT-CLAIM-EXP-TYPE'
            : to === 'past'
              ? 'JWT-CLAIM-EXP-EXPIRED'
              : undefined;
      case 'nbf':
        return to === 'future' ? 'JWT-CLAIM-NBF-FUTURE' : undefined;
      case 'iat':
        return to === 'future' ? 'JWT-CLAIM-IAT-FUTURE' : undefined;
      case 'duplicate':
        return 'JWT-ENC-DUPLICATE-KEYS';
      case 'payload':
        return 'JWT-PAYLOAD-NOT-OBJECT';
      default:
        return undefined;
    }
  }
  return undefined;
}

export function relatedAttack(recipe: Recipe): string | undefined {
  return recipe.changes.length === 1 ? related(recipe.changes[0]!) : undefined;
}

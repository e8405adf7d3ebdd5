import type { Attack } from '../src/catalog/types.ts';
import { validTokenControl } from './control/valid-token.ts';
import { fuzzDiffAccept, fuzzDiffReject } from './fuzz/differential.ts';
import { bearerInQuery, bearerSchemeCase, duplicateAuthorization } from './http/bearer.ts';
import { errorLeak, wwwAuthenticate } from './http/responses.ts';
import { scopeInsufficient } from './http/scope.ts';
import { jwksPrivateKeys } from './issuer/jwks.ts';
import { noKid, sensitiveClaimsAttack, tokenLifetime, weakHmacSecret } from './issuer/tokens.ts';
import {
  algNone,
  algOutsidePolicy,
  crossFamily,
  hmacEmptyKey,
  hmacPublicKeyJwk,
  hmacPublicKeyPem,
} from './jwt/algorithm.ts';
import {
  audLookalike,
  audMissing,
  audWrong,
  claimTypes,
  expired,
  expMissing,
  expType,
  issArray,
  issLookalike,
  issMissing,
  issuedInFuture,
  issWrong,
  leeway,
  notYetValid,
  payloadNotObject,
} from './jwt/claims.ts';
import { duplicateKeys, lenientEncoding, malformedEncoding, oversized } from './jwt/encoding.ts';
import { critUnknown, typConfusion } from './jwt/header.ts';
import {
  embeddedJwk,
  jku,
  kidInjection,
  kidRefetchFlood,
  kidUnknown,
  x5cSelfSigned,
  x5u,
} from './jwt/key-selection.ts';
import {
  ecdsaDer,
  ecdsaPsychic,
  payloadTampered,
  signatureJunkChars,
  signatureMangled,
  signatureStripped,
  signatureUnknownKey,
} from './jwt/signature.ts';
import { revocationFailOpen, revokedAccepted } from './lifecycle/revocation.ts';
import { clientAuthentication, revokeIneffective, scopeEscalation } from './oauth2/client-credentials.ts';

/** The single source of truth: suites, report rows, the README table and the self-validation matrix. */
export const catalog: Attack[] = [
  validTokenControl,
  // algorithm
  algNone,
  hmacPublicKeyPem,
  hmacPublicKeyJwk,
  hmacEmptyKey,
  crossFamily,
  algOutsidePolicy,
  // key selection
  embeddedJwk,
  jku,
  x5u,
  x5cSelfSigned,
  kidInjection,
  kidUnknown,
  kidRefetchFlood,
  // signature
  signatureStripped,
  signatureMangled,
  signatureJunkChars,
  signatureUnknownKey,
  payloadTampered,
  ecdsaPsychic,
  ecdsaDer,
  // claims
  expired,
  leeway,
  notYetValid,
  issuedInFuture,
  expMissing,
  expType,
  issWrong,
  issLookalike,
  issMissing,
  issArray,
  audWrong,
  audLookalike,
  audMissing,
  claimTypes,
  payloadNotObject,
  // header
  typConfusion,
  critUnknown,
  // encoding
  lenientEncoding,
  malformedEncoding,
  duplicateKeys,
  oversized,
  // HTTP surface
  bearerInQuery,
  bearerSchemeCase,
  duplicateAuthorization,
  wwwAuthenticate,
  errorLeak,
  scopeInsufficient,
  // property-based differential fuzzing against the oracle
  fuzzDiffAccept,
  fuzzDiffReject,
  // what the authorization server issues and publishes
  weakHmacSecret,
  tokenLifetime,
  sensitiveClaimsAttack,
  noKid,
  jwksPrivateKeys,
  // OAuth2 client credentials at the token endpoint
  clientAuthentication,
  scopeEscalation,
  revokeIneffective,
  // lifecycle: revocation (the fail-open check pauses the store: it runs alone, last)
  revokedAccepted,
  revocationFailOpen,
];

export const areas = [...new Set(catalog.map((a) => a.area))];

import type { Attack } from '../src/catalog/types.ts';
import { validTokenControl } from './control/valid-token.ts';
import { algNone } from './jwt/algorithm.ts';
import {
  audMissing,
  audWrong,
  expired,
  expMissing,
  issMissing,
  issWrong,
  notYetValid,
} from './jwt/claims.ts';
import { kidUnknown, payloadTampered, signatureStripped, signatureUnknownKey } from './jwt/signature.ts';

/** The single source of truth: suites, report rows, the README table and the self-validation matrix. */
export const catalog: Attack[] = [
  validTokenControl,
  algNone,
  signatureStripped,
  signatureUnknownKey,
  payloadTampered,
  kidUnknown,
  expired,
  notYetValid,
  expMissing,
  issWrong,
  issMissing,
  audWrong,
  audMissing,
];

export const areas = [...new Set(catalog.map((a) => a.area))];

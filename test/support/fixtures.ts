import { expect } from 'vitest';
import { GauntletError } from '../../src/errors.ts';
import type { Policy } from '../../src/manifest/schema.ts';

/** The policy the unit tests build tokens for (the reference's, with a fixed issuer), with changes. */
export function testPolicy(changes: Partial<Policy> = {}): Policy {
  return {
    issuer: 'https://issuer.test',
    audience: 'orders-api',
    algorithms: ['RS256', 'ES256', 'EdDSA'],
    maxLeewaySeconds: 60,
    typ: 'at+jwt',
    allowQueryToken: false,
    rejectFutureIat: true,
    maxTokenLifetimeSeconds: 3600,
    ...changes,
  };
}

/** The message of the GauntletError `fn` throws (the one a user reads); fails when it throws nothing else. */
export function gauntletMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(GauntletError);
    return (err as Error).message;
  }
  throw new Error('expected an error');
}

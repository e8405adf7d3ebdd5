import { rfc } from '../../src/catalog/references.ts';
import type { Attack } from '../../src/catalog/types.ts';

/**
 * The run's own sanity check: a valid token is served, a request without a token is refused. When the first
 * half fails, every verdict of the run is inconclusive; when the second fails, the endpoint is not protected.
 */
export const validTokenControl: Attack = {
  id: 'CONTROL-VALID-TOKEN',
  title: 'Positive control: a valid token is accepted, a missing token is refused',
  area: 'control',
  severity: 'critical',
  expectation:
    'A token from the trusted issuer with the right iss, aud, exp and typ is served (2xx); a request without a token gets 401.',
  references: [rfc('6750', '3.1'), rfc('9068', '4')],
  requires: ['mint'],
  async run(ctx) {
    const controls = await Promise.all(ctx.channels.map((c) => ctx.control(c)));
    const anonymous = await Promise.all(ctx.channels.map((c) => c.deliver(null, 'no token')));
    const open = anonymous.filter((e) => e.outcome === 'accepted');
    if (open.length) {
      return {
        status: 'fail',
        reason: `served without any token: ${open.map((e) => e.channel).join(', ')}`,
        controls,
        evidence: anonymous,
      };
    }
    const bad = controls.filter((e) => e.outcome !== 'accepted');
    if (bad.length) {
      return {
        status: 'inconclusive',
        reason: `a valid token was not accepted (${bad.map((e) => `${e.channel}: ${e.why}`).join('; ')}): every verdict of this run is inconclusive`,
        controls,
        evidence: anonymous,
      };
    }
    const noAnswer = anonymous.filter((e) => e.outcome === 'error');
    if (noAnswer.length) {
      return {
        status: 'inconclusive',
        reason: `no clear answer without a token: ${noAnswer.map((e) => e.why).join('; ')}`,
        controls,
        evidence: anonymous,
      };
    }
    return {
      status: 'pass',
      reason: `valid token accepted and missing token refused on ${ctx.channels.length} channel(s)`,
      controls,
      evidence: anonymous,
    };
  },
};

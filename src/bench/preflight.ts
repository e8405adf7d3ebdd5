import type { Endpoint } from '../manifest/schema.ts';
import type { HttpProbe } from '../probe/http.ts';
import { EXPECTED } from './scenarios.ts';
import type { Scenario } from './types.ts';

export interface PreflightResult {
  ok: boolean;
  /** one line: what came back */
  why: string;
}

/**
 * One request per scenario, through the harness's own HTTP probe (which verifies the server certificate against
 * the manifest's CA, as autocannon does not), before any load: the accept path must be accepted (the positive
 * control), and each scenario must get what it expects.
 */
export async function preflight(probe: HttpProbe, scenario: Scenario): Promise<PreflightResult> {
  const token = scenario.authorization?.replace(/^Bearer /, '') ?? null;
  const endpoint = { method: scenario.method, path: scenario.path } as Endpoint;
  const x = await probe.send(endpoint, token, `bench pre-flight: ${scenario.id}`);
  if (!x.response) return { ok: false, why: x.why };
  const ok = EXPECTED[scenario.kind].ok(x.response.status);
  return {
    ok,
    why: `HTTP ${x.response.status}${ok ? '' : ` (expected ${EXPECTED[scenario.kind].label})`}`,
  };
}

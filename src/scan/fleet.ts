import { TokenFactory } from '../../fixtures/forge/factory.ts';
import type { KeySet } from '../../fixtures/issuer/keys.ts';
import type { Attack } from '../catalog/types.ts';
import { describeError } from '../errors.ts';
import { launchTarget, type RunningTarget } from '../launch/launch.ts';
import type { Policy } from '../manifest/schema.ts';
import type { RunReport, TargetReport } from '../report/types.ts';
import { attackerKeySet, createContext, launchedInput } from '../run/context.ts';
import { mapPool } from '../run/pool.ts';
import { runCatalog } from '../run/runner.ts';
import { VERSION } from '../version.ts';
import { type AcceptedFinding, applyAcceptedFindings, loadAcceptedFindings, today } from './accepted.ts';
import { startSharedIssuer } from './issuer.ts';
import type { Target } from './targets.ts';

export const DEFAULT_TARGET_CONCURRENCY = 8;

export interface FleetOptions {
  /** the attacks to run on every target */
  catalog: Attack[];
  /** targets scanned at once (default 8); each target's own traffic is bounded by its manifest `limits` */
  concurrency?: number;
  /** attacks in flight per target (default 4) */
  attackConcurrency?: number;
  /** the key set the targets trust, instead of `trust.keysFile` */
  keys?: KeySet;
  /** VULN switches for the bundled reference (`{{vuln}}`) */
  vuln?: string;
  /** the day accepted findings are judged on (YYYY-MM-DD, UTC; default today) */
  day?: string;
  /** called as each target is done, e.g. for progress lines */
  onTarget?: (report: TargetReport, done: number, total: number) => void;
}

/**
 * Token factories by policy: targets with the same policy share one, so each distinct attack token is minted
 * and signed once for the whole fleet (token attacks memoise their cases per factory).
 */
function factories(keys: KeySet, attacker: KeySet): (policy: Policy) => TokenFactory {
  const byPolicy = new Map<string, TokenFactory>();
  return (policy) => {
    const key = JSON.stringify(policy);
    let f = byPolicy.get(key);
    if (!f) {
      f = new TokenFactory({ policy, trusted: keys, attacker });
      byPolicy.set(key, f);
    }
    return f;
  };
}

/**
 * Scans many targets in one run: one harness issuer and key set, a bounded number of targets at once, the
 * catalog on each, accepted findings applied. Never throws for a target that cannot be reached: that target's
 * report carries the error (and the run is red). Throws only for bad input (an accepted-findings file, trust
 * settings that cannot share one issuer), before anything is started.
 */
export async function scanFleet(targets: Target[], opts: FleetOptions): Promise<RunReport> {
  const startedAt = new Date().toISOString();
  const day = opts.day ?? today();
  const ids = opts.catalog.map((a) => a.id);
  const accepted = new Map<string, { file: string; entries: AcceptedFinding[] }>();
  for (const t of targets) {
    if (t.acceptedFindings)
      accepted.set(t.name, {
        file: t.acceptedFindings,
        entries: loadAcceptedFindings(t.acceptedFindings, ids),
      });
  }
  const shared = await startSharedIssuer(targets, opts.keys ? { keys: opts.keys } : {});
  const factoryFor = factories(shared.keys, await attackerKeySet());
  let done = 0;

  const scanOne = async (t: Target): Promise<TargetReport> => {
    const base = {
      name: t.name,
      file: t.file,
      launch: t.launch.kind,
      ...(opts.vuln ? { vuln: opts.vuln } : {}),
    };
    let running: RunningTarget | undefined;
    let report: TargetReport;
    try {
      running = await launchTarget(t, {
        keys: shared.keys,
        ...(t.launch.kind === 'url' && shared.issuer ? { issuer: shared.issuer } : {}),
        ...(opts.vuln !== undefined ? { vuln: opts.vuln } : {}),
      });
      const ctx = await createContext({
        // a shared issuer's fetch counts mix all targets: only a target's own issuer may answer for it
        ...launchedInput(running, { withIssuer: running.issuer !== shared.issuer }),
        trusted: shared.keys,
        tokens: factoryFor(running.manifest.policy),
      });
      let verdicts = await runCatalog(opts.catalog, ctx, opts.attackConcurrency).finally(() => ctx.close());
      const baseline = accepted.get(t.name);
      let acceptedFindings: TargetReport['acceptedFindings'];
      if (baseline) {
        const applied = applyAcceptedFindings(verdicts, baseline.entries, day);
        verdicts = applied.verdicts;
        acceptedFindings = { file: baseline.file, entries: applied.states };
      }
      const keepLogs = verdicts.some((v) => v.status !== 'pass') && Object.keys(running.logs).length > 0;
      report = {
        ...base,
        verdicts,
        ...(keepLogs ? { logs: running.logs } : {}),
        ...(acceptedFindings ? { acceptedFindings } : {}),
      };
    } catch (err) {
      report = {
        ...base,
        verdicts: [],
        error: describeError(err),
        ...(running ? { logs: running.logs } : {}),
      };
    } finally {
      await running?.stop();
    }
    opts.onTarget?.(report, ++done, targets.length);
    return report;
  };

  try {
    const reports = await mapPool(targets, opts.concurrency ?? DEFAULT_TARGET_CONCURRENCY, scanOne);
    return {
      tool: { name: 'auth-gauntlet', version: VERSION },
      startedAt,
      finishedAt: new Date().toISOString(),
      targets: reports,
    };
  } finally {
    await shared.close();
  }
}

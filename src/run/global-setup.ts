import type { TestProject } from 'vitest/node';
import { serializeKeySet } from '../../fixtures/issuer/keys.ts';
import { catalog } from '../../suites/catalog.ts';
import { describeError, GauntletError } from '../errors.ts';
import { launchTarget } from '../launch/launch.ts';
import { loadManifest } from '../manifest/load.ts';
import { writeReports } from '../report/write.ts';
import { loadAcceptedFindings } from '../scan/accepted.ts';
import { VERSION } from '../version.ts';
import { runState } from './provided.ts';

/** Launches the selected target once for all suites, and tears it down after (also on failure). */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const state = runState();
  const vuln = process.env.VULN ?? '';
  try {
    const m = await loadManifest();
    state.target = { name: m.name, file: m.file, launch: m.launch.kind, ...(vuln ? { vuln } : {}) };
    if (m.acceptedFindings) {
      const ids = catalog.map((a) => a.id);
      state.accepted = { file: m.acceptedFindings, entries: loadAcceptedFindings(m.acceptedFindings, ids) };
    }
    const accepted = state.accepted?.entries;
    const running = await launchTarget(m, { vuln });
    state.target.logs = running.logs;
    project.provide('gauntlet', {
      manifest: running.manifest,
      ...(running.keys ? { keys: serializeKeySet(running.keys) } : {}),
      ...(running.httpCa ? { httpCa: running.httpCa } : {}),
      ...(running.asCa ? { asCa: running.asCa } : {}),
      roles: running.roles,
      ...(running.issuer ? { issuerBase: running.issuer.base } : {}),
      ...(accepted ? { accepted } : {}),
    });
    return () => running.stop();
  } catch (err) {
    // One readable message, a report that says why, and a red exit: never a stack trace, never a green run.
    const message = describeError(err);
    const target = state.target ?? {
      name: process.env.GAUNTLET_TARGET ?? 'reference',
      file: '',
      launch: 'containers' as const,
    };
    const dir = writeReports({
      tool: { name: 'auth-gauntlet', version: VERSION },
      startedAt: state.startedAt,
      finishedAt: new Date().toISOString(),
      targets: [{ ...target, verdicts: [], error: message }],
    });
    process.stderr.write(`\nauth-gauntlet: ${message}\n(report: ${dir}/index.html)\n`);
    if (!(err instanceof GauntletError)) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    process.exit(1);
  }
}

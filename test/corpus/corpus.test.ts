import { describe, expect, test } from 'vitest';
import { catalog } from '../../suites/catalog.ts';
import { REPO_ROOT, runCorpus } from './run.ts';
import { renderScoreTable } from './table.ts';
import { locateCorpus } from './workdir.ts';

/**
 * The proof on code nobody here wrote: the whole catalog against the JWT CVE corpus (real third-party
 * libraries at pinned versions), scored against its corpus.json. Every CVE class must be found and nothing
 * outside a server's real behaviour reported. Skipped, with the reason, where the corpus is absent.
 */
const absent = locateCorpus(REPO_ROOT).reason;

describe.skipIf(absent !== undefined)(`JWT CVE corpus${absent ? ` (skipped: ${absent})` : ''}`, () => {
  test('every entry right: no miss, no false positive', { timeout: 900_000 }, async () => {
    const run = await runCorpus(catalog, { log: (line) => console.log(line) });
    if (run.skipped !== undefined) throw new Error(run.skipped);
    const table = renderScoreTable(run.scores, run.totals);
    console.log(
      `${table}\n\nscan: ${run.report.targets.length} targets in ${(run.timings.scan / 1000).toFixed(1)} s`,
    );
    expect(run.totals.inconclusive, table).toBe(0);
    expect(run.totals.missed, table).toBe(0);
    expect(run.totals.falsePositives, table).toBe(0);
    expect(run.totals.right, table).toBe(run.totals.entries);
    expect(run.totals.entries).toBe(27);
  });
});

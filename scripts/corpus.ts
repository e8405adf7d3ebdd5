// The corpus proof: `npm run corpus [-- --concurrency N]`. Scans the third-party JWT CVE corpus
// (../shared/corpus, or GAUNTLET_CORPUS_DIR) with the whole catalog and scores the findings against its
// corpus.json. Exit 1 on any miss or false positive; exit 0 with the reason when the corpus is absent.
import { parseArgs } from 'node:util';
import { describeError, GauntletError } from '../src/errors.ts';
import { catalog } from '../suites/catalog.ts';
import { runCorpus } from '../test/corpus/run.ts';
import { renderScoreTable } from '../test/corpus/table.ts';

const { values } = parseArgs({ options: { concurrency: { type: 'string', short: 'c' } } });
const concurrency = values.concurrency ? Number(values.concurrency) : undefined;
if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64)) {
  console.error('--concurrency must be a whole number from 1 to 64');
  process.exit(2);
}

try {
  const run = await runCorpus(catalog, {
    ...(concurrency ? { concurrency } : {}),
    log: (line) => console.error(line),
  });
  if (run.skipped !== undefined) {
    console.log(`corpus: SKIPPED — ${run.skipped}`);
    process.exit(0);
  }
  const { totals, timings } = run;
  console.log(renderScoreTable(run.scores, totals));
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  console.log(
    `\nscan: ${run.report.targets.length} targets × ${catalog.length} attacks in ${s(timings.scan)} ` +
      `(servers started in ${s(timings.start)}; copy/install ${s(timings.prepare)}) · report: ${run.reportDir}/index.html`,
  );
  const ok = totals.missed === 0 && totals.falsePositives === 0;
  console.log(
    ok
      ? `corpus: PASS — ${totals.right}/${totals.entries} entries right`
      : `corpus: FAIL — ${totals.missed} miss(es), ${totals.falsePositives} false positive(s); ${totals.right}/${totals.entries} entries right`,
  );
  process.exit(ok ? 0 : 1);
} catch (err) {
  console.error(`corpus: ${describeError(err)}`);
  if (!(err instanceof GauntletError)) console.error((err as Error).stack ?? '');
  process.exit(1);
}

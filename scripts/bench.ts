// Verification throughput benchmark: `npm run bench [-- targets/x.ts] [--duration 3] [--connections 16] ...`.
// Launches the selected target (a url target only when its manifest allows load), runs the scenarios, writes
// reports/bench.json and the bench section of reports/index.html and results.json. See src/bench/cli.ts.
import { runBenchCli } from '../src/bench/cli.ts';

process.exit(await runBenchCli(process.argv.slice(2)));

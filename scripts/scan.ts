// Scans many services in one run: `npm run scan -- targets/fleet.example.ts [--concurrency 8] [--report-dir DIR]`.
// One harness issuer for all targets, the whole catalog on each, accepted findings applied, one report.
import { runScanCli } from '../src/scan/cli.ts';
import { catalog } from '../suites/catalog.ts';

process.exit(await runScanCli(process.argv.slice(2), catalog));

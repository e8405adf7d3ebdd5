// The load generator against wrk: `npm run bench:wrk [-- targets/x.ts] [--connections 16] [--rounds 3]`.
// Same endpoints of the bundled reference (health, and the accept path with a valid token), same connections,
// duration and threads; prints both req/s and the ratio, then OpenSSL's RSA-2048 verify rate on one core.
// A benchmark, not a test: see src/bench/compare.ts.
import { runCompareCli } from '../src/bench/compare.ts';

process.exit(
  await runCompareCli(process.argv.slice(2), {
    out: (t) => void process.stdout.write(`${t}\n`),
    err: (t) => void process.stderr.write(`${t}\n`),
  }),
);

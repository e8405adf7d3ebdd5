// Each test asserts its attack's verdict (src/run/suite.ts, src/bench/suite.ts).
import { defineBenchSuite } from '../../src/bench/suite.ts';

// Opt-in: GAUNTLET_BENCH=1 npm test adds the verification benchmark to the main job (skipped otherwise).
defineBenchSuite();

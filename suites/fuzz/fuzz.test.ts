// Each test asserts its attack's verdict (src/run/suite.ts, src/bench/suite.ts).
import { vi } from 'vitest';
import { defineAttackSuite } from '../../src/run/suite.ts';
import { catalog } from '../catalog.ts';
import { fuzzTimeoutMs } from './differential.ts';

// GAUNTLET_FUZZ=soak runs for minutes: the test timeout follows the configured budget
vi.setConfig({ testTimeout: fuzzTimeoutMs() });

defineAttackSuite(
  'fuzz',
  catalog.filter((a) => a.area === 'fuzz'),
);

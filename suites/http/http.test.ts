import { defineAttackSuite } from '../../src/run/suite.ts';
import { catalog } from '../catalog.ts';

defineAttackSuite(
  'http',
  catalog.filter((a) => a.area === 'http'),
);

// One test per attack of the area; each asserts its attack's verdict (src/run/suite.ts).
import { defineAttackSuite } from '../../src/run/suite.ts';
import { catalog } from '../catalog.ts';

defineAttackSuite(
  'issuer',
  catalog.filter((a) => a.area === 'issuer'),
);

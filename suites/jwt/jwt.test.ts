import { defineAttackSuite } from '../../src/run/suite.ts';
import { catalog } from '../catalog.ts';

defineAttackSuite(
  'jwt',
  catalog.filter((a) => a.area === 'jwt'),
);

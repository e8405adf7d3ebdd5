import { defineAttackSuite } from '../../src/run/suite.ts';
import { catalog } from '../catalog.ts';

defineAttackSuite(
  'control',
  catalog.filter((a) => a.area === 'control'),
);

import { runSessionCases } from '@keyward/test-kit/session-cases';
import { runSessionProperties } from '@keyward/test-kit/session-properties';
import { expressSessionHarness } from './harness.js';

const adapter = {
  packageName: '@keyward/express',
  framework: 'Express 5',
  createSessionHarness: expressSessionHarness(),
};
runSessionCases(adapter);
runSessionProperties(adapter);

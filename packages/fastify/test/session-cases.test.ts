import { runSessionCases } from '@keyward/test-kit/session-cases';
import { runSessionProperties } from '@keyward/test-kit/session-properties';
import { createFastifySessionHarness } from './harness.js';

const adapter = {
  packageName: '@keyward/fastify',
  framework: 'Fastify 5',
  createSessionHarness: createFastifySessionHarness,
};
runSessionCases(adapter);
runSessionProperties(adapter);

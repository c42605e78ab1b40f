import { runAdapterCases } from '@keyward/test-kit/adapter-cases';
import { runAdapterProperties } from '@keyward/test-kit/adapter-properties';
import { createFastifyHarness } from './harness.js';

const adapter = { packageName: '@keyward/fastify', framework: 'Fastify 5', createHarness: createFastifyHarness };
runAdapterCases(adapter);
runAdapterProperties(adapter);

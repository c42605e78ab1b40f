import { runAdapterCases } from '@keyward/test-kit/adapter-cases';
import { runAdapterProperties } from '@keyward/test-kit/adapter-properties';
import { createFastifyHarness } from './harness.js';

runAdapterCases('@keyward/fastify', createFastifyHarness);
runAdapterProperties('@keyward/fastify', createFastifyHarness);

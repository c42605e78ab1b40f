import { runAdapterCases } from '../../express/test/adapter-cases.js';
import { runAdapterProperties } from '../../express/test/adapter-properties.js';
import { createFastifyHarness } from './harness.js';

runAdapterCases('@keyward/fastify', createFastifyHarness);
runAdapterProperties('@keyward/fastify', createFastifyHarness);

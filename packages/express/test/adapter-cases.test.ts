import { runAdapterCases } from './adapter-cases.js';
import { runAdapterProperties } from './adapter-properties.js';
import { createExpressHarness } from './harness.js';

runAdapterCases('@keyward/express', createExpressHarness);
runAdapterProperties('@keyward/express', createExpressHarness);

import { runAdapterCases } from '@keyward/test-kit/adapter-cases';
import { runAdapterProperties } from '@keyward/test-kit/adapter-properties';
import { createExpressHarness } from './harness.js';

runAdapterCases('@keyward/express', createExpressHarness);
runAdapterProperties('@keyward/express', createExpressHarness);

import { runAdapterCases } from '@keyward/test-kit/adapter-cases';
import { runAdapterProperties } from '@keyward/test-kit/adapter-properties';
import { createExpressHarness } from './harness.js';

const adapter = { packageName: '@keyward/express', framework: 'Express 5', createHarness: createExpressHarness };
runAdapterCases(adapter);
runAdapterProperties(adapter);

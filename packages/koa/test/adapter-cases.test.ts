import { runAdapterCases } from '@keyward/test-kit/adapter-cases';
import { runAdapterProperties } from '@keyward/test-kit/adapter-properties';
import { createKoaHarness } from './harness.js';

const adapter = { packageName: '@keyward/koa', framework: 'Koa 3', createHarness: createKoaHarness };
runAdapterCases(adapter);
runAdapterProperties(adapter);

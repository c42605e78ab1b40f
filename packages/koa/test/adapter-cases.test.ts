import { runAdapterCases } from '@keyward/test-kit/adapter-cases';
import { runAdapterProperties } from '@keyward/test-kit/adapter-properties';
import { createKoaHarness } from './harness.js';

runAdapterCases('@keyward/koa', createKoaHarness);
runAdapterProperties('@keyward/koa', createKoaHarness);

import { runAdapterCases } from '../../express/test/adapter-cases.js';
import { runAdapterProperties } from '../../express/test/adapter-properties.js';
import { createKoaHarness } from './harness.js';

runAdapterCases('@keyward/koa', createKoaHarness);
runAdapterProperties('@keyward/koa', createKoaHarness);

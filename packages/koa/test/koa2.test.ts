// The peer range promises Koa 2 too: the whole shared table runs on it as well.
import { runAdapterCases } from '@keyward/test-kit/adapter-cases';
import Koa2 from 'koa2';
import { koaHarness } from './harness.js';

runAdapterCases({ packageName: '@keyward/koa', framework: 'Koa 2', createHarness: koaHarness(Koa2) });

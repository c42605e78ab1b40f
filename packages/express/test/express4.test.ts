// The peer range promises Express 4 too: the whole shared table runs on it as well.
import { runAdapterCases } from '@keyward/test-kit/adapter-cases';
import express4 from 'express4';
import { expressHarness } from './harness.js';

runAdapterCases({ packageName: '@keyward/express', framework: 'Express 4', createHarness: expressHarness(express4) });

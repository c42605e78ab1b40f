import { runSessionCases } from '@keyward/test-kit/session-cases';
import { runSessionProperties } from '@keyward/test-kit/session-properties';
import { koaSessionHarness } from './harness.js';

const adapter = { packageName: '@keyward/koa', framework: 'Koa 3', createSessionHarness: koaSessionHarness() };
runSessionCases(adapter);
runSessionProperties(adapter);

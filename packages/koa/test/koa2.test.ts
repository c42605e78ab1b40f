// The peer range promises Koa 2 too: the whole shared tables run on it as well.
import { runAdapterCases } from '@keyward/test-kit/adapter-cases';
import { runSessionCases } from '@keyward/test-kit/session-cases';
import { runWebhookCases } from '@keyward/test-kit/webhook-cases';
import Koa2 from 'koa2';
import { koaHarness, koaSessionHarness, koaWebhookHarness } from './harness.js';

const packageName = '@keyward/koa';
const framework = 'Koa 2';
runAdapterCases({ packageName, framework, createHarness: koaHarness(Koa2) });
runSessionCases({ packageName, framework, createSessionHarness: koaSessionHarness(Koa2) });
runWebhookCases({
  packageName,
  functionName: 'verifyWebhooks',
  framework,
  createWebhookHarness: koaWebhookHarness(Koa2),
});

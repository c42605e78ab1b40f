import { runWebhookCases } from '@keyward/test-kit/webhook-cases';
import { runWebhookProperties } from '@keyward/test-kit/webhook-properties';
import { koaWebhookHarness } from './harness.js';

const adapter = {
  packageName: '@keyward/koa',
  functionName: 'verifyWebhooks',
  framework: 'Koa 3',
  createWebhookHarness: koaWebhookHarness(),
};
runWebhookCases(adapter);
runWebhookProperties(adapter);

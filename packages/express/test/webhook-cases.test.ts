import { runWebhookCases } from '@keyward/test-kit/webhook-cases';
import { runWebhookProperties } from '@keyward/test-kit/webhook-properties';
import { expressWebhookHarness } from './harness.js';

const adapter = {
  packageName: '@keyward/express',
  functionName: 'verifyWebhooks',
  framework: 'Express 5',
  createWebhookHarness: expressWebhookHarness(),
};
runWebhookCases(adapter);
runWebhookProperties(adapter);

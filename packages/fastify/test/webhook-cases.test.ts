import { runWebhookCases } from '@keyward/test-kit/webhook-cases';
import { runWebhookProperties } from '@keyward/test-kit/webhook-properties';
import { createFastifyWebhookHarness } from './harness.js';

const adapter = {
  packageName: '@keyward/fastify',
  functionName: 'webhookAuth',
  framework: 'Fastify 5',
  createWebhookHarness: createFastifyWebhookHarness,
};
runWebhookCases(adapter);
runWebhookProperties(adapter);

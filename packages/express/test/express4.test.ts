// The peer range promises Express 4 too: the whole shared tables run on it as well.
import { runAdapterCases } from '@keyward/test-kit/adapter-cases';
import { runSessionCases } from '@keyward/test-kit/session-cases';
import { runWebhookCases } from '@keyward/test-kit/webhook-cases';
import express4 from 'express4';
import { expressHarness, expressSessionHarness, expressWebhookHarness } from './harness.js';

const packageName = '@keyward/express';
const framework = 'Express 4';
runAdapterCases({ packageName, framework, createHarness: expressHarness(express4) });
runSessionCases({ packageName, framework, createSessionHarness: expressSessionHarness(express4) });
runWebhookCases({
  packageName,
  functionName: 'verifyWebhooks',
  framework,
  createWebhookHarness: expressWebhookHarness(express4),
});

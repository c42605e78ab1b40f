import * as core from '@keyward/core';
import { readmeExamples, runExample } from '@keyward/test-kit/readme-examples';
import Koa from 'koa';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import * as adapter from '../src/index.js';

const examples = readmeExamples(new URL('../README.md', import.meta.url));
const JSON_TYPE = 'application/json; charset=utf-8';
const MISSING = '{"error":{"code":"missing_api_key","message":"Missing API key"}}';
const NOT_FOUND = '{"error":{"code":"not_found","message":"Not found"}}';

/** Koa as the examples use it, recording each app; listen(3000) only records the call. */
function recordingKoa() {
  const apps: Koa[] = [];
  const listened: unknown[][] = [];
  class RecordingKoa extends Koa {
    constructor() {
      super();
      apps.push(this);
    }
    override listen(...args: unknown[]) {
      listened.push(args);
      return undefined as unknown as ReturnType<Koa['listen']>;
    }
  }
  return { RecordingKoa, apps, listened };
}

async function run(example: string) {
  const recording = recordingKoa();
  const router = await import('@koa/router');
  await runExample(example, {
    '@keyward/core': core,
    '@keyward/koa': adapter,
    '@koa/router': router,
    koa: { default: recording.RecordingKoa },
  });
  expect(recording.apps).toHaveLength(1);
  return { ...recording, request: supertest(recording.apps[0]!.callback()) };
}

describe('README', () => {
  it('has the examples this test runs, the first one of ten lines or fewer before any section', () => {
    expect(examples.all).toHaveLength(4);
    expect(examples.openingIsFirst).toBe(true);
    expect(examples.opening.trim().split('\n').length).toBeLessThanOrEqual(10);
  });

  it('opens with an example that guards /reports and listens', async () => {
    const { request, listened } = await run(examples.opening);
    expect(listened).toEqual([[3000]]);
    expect((await request.get('/reports')).text).toBe(MISSING);
    const ok = await request.get('/reports').set('x-api-key', core.DEV_API_KEY);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ tenant: core.DEV_TENANT_ID });
  });

  it('gives the curl command with the development key the example accepts', () => {
    expect(examples.text).toContain(`curl -H 'x-api-key: ${core.DEV_API_KEY}' localhost:3000/reports`);
  });

  it('shows getApiKey, sendApiKeyError and apiKeyErrorHandler answering in the standard body', async () => {
    const { request } = await run(examples.all[1]!);
    const me = await request.get('/me');
    expect([me.status, me.headers['content-type'], me.text]).toEqual([401, JSON_TYPE, MISSING]);
    for (const path of ['/reports/7', '/archive']) {
      const response = await request.get(path);
      expect([response.status, response.headers['content-type'], response.text]).toEqual([404, JSON_TYPE, NOT_FOUND]);
    }
  });

  it('mints a portal session with an API key, and keeps tokens and keys apart', async () => {
    const { request } = await run(examples.all[2]!);
    const minted = await request.post('/customers/cus_42/portal-sessions').set('x-api-key', core.DEV_API_KEY);
    expect(minted.status).toBe(201);
    const { token, expires_at } = minted.body as { token: string; expires_at: string };
    expect(core.isSessionTokenFormat(token)).toBe(true);
    const me = await request.get('/portal/me').set('x-session-token', token);
    expect([me.status, me.body]).toEqual([200, { customer_id: 'cus_42', expires_at }]);
    const keyAsToken = await request.get('/portal/me').set('x-session-token', core.DEV_API_KEY);
    expect([keyAsToken.status, keyAsToken.body.error.code]).toEqual([401, 'invalid_session_token']);
    const tokenAsKey = await request.post('/customers/cus_42/portal-sessions').set('x-api-key', token);
    expect([tokenAsKey.status, tokenAsKey.body.error.code]).toEqual([401, 'invalid_api_key']);
  });

  it('verifies a signed webhook and refuses its replay and a forgery', async () => {
    const secret = core.generateWebhookSecret();
    const saved = process.env.BILLING_WEBHOOK_SECRET;
    process.env.BILLING_WEBHOOK_SECRET = secret;
    try {
      const { request, apps } = await run(examples.all[3]!);
      const events: unknown[] = [];
      apps[0]!.on('billing', (event) => events.push(event));
      const payload = '{"type":"invoice.paid"}';
      const headers = { ...core.signWebhook({ id: 'msg_1', payload, secret }), 'content-type': 'application/json' };
      const send = (body: string) =>
        request
          .post('/webhooks/billing')
          .set(headers)
          .serialize(() => body)
          .send(body);
      expect((await send(payload)).status).toBe(204);
      expect(events).toEqual([{ type: 'invoice.paid' }]);
      const replay = await send(payload);
      expect([replay.status, replay.body.error]).toEqual([
        409,
        { code: 'conflict', message: 'webhook-id already received' },
      ]);
      const forged = await send(`${payload} `);
      expect([forged.status, forged.body.error.code]).toEqual([401, 'invalid_signature']);
      expect(events).toHaveLength(1);
    } finally {
      if (saved === undefined) delete process.env.BILLING_WEBHOOK_SECRET;
      else process.env.BILLING_WEBHOOK_SECRET = saved;
    }
  });

  it('throws at start in the webhook example without a valid secret, never quoting it', async () => {
    const saved = process.env.BILLING_WEBHOOK_SECRET;
    delete process.env.BILLING_WEBHOOK_SECRET;
    try {
      await expect(run(examples.all[3]!)).rejects.toThrow(
        '@keyward/koa: verifyWebhooks: options.secrets[0] must be a whsec_ secret or a whpk_ public key',
      );
    } finally {
      if (saved !== undefined) process.env.BILLING_WEBHOOK_SECRET = saved;
    }
  });
});

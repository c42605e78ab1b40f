import { createServer, type Server } from 'node:http';
import * as core from '@keyward/core';
import { readmeExamples, runExample } from '@keyward/test-kit/readme-examples';
import express, { type Express } from 'express';
import supertest from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import * as adapter from '../src/index.js';

const examples = readmeExamples(new URL('../README.md', import.meta.url));
const NOT_FOUND = '{"error":{"code":"not_found","message":"Not found"}}';
const MISSING = '{"error":{"code":"missing_api_key","message":"Missing API key"}}';
const INVALID = '{"error":{"code":"invalid_api_key","message":"Invalid API key"}}';

let apps: Express[] = [];
const servers: Server[] = [];

/** express() as the examples call it, recording each app; listen(3000) takes a free port instead. */
function recordingExpress() {
  return Object.assign((...args: Parameters<typeof express>) => {
    const app = express(...args);
    apps.push(app);
    app.listen = ((_port: number, callback?: () => void) => {
      const server = createServer(app).listen(0, '127.0.0.1', callback);
      servers.push(server);
      return server;
    }) as unknown as Express['listen'];
    return app;
  }, express);
}

async function run(example: string): Promise<Express> {
  apps = [];
  await runExample(example, {
    '@keyward/core': core,
    '@keyward/express': adapter,
    express: { default: recordingExpress() },
  });
  expect(apps).toHaveLength(1);
  return apps[0]!;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('README', () => {
  it('has the examples this test runs, the first one of ten lines or fewer before any section', () => {
    expect(examples.all).toHaveLength(4);
    expect(examples.openingIsFirst).toBe(true);
    expect(examples.opening.trim().split('\n').length).toBeLessThanOrEqual(10);
  });

  it('opens with an example that guards /reports, leaves /health open and listens', async () => {
    const app = await run(examples.opening);
    expect(servers).toHaveLength(1);
    const request = supertest(app);
    expect((await request.get('/health')).body).toEqual({ status: 'ok' });
    expect((await request.get('/reports')).text).toBe(MISSING);
    const ok = await request.get('/reports').set('x-api-key', core.DEV_API_KEY);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ tenant: core.DEV_TENANT_ID });
  });

  it('gives the curl command with the development key the example accepts', () => {
    expect(examples.text).toContain(`curl -H 'x-api-key: ${core.DEV_API_KEY}' localhost:3000/reports`);
  });

  it('shows getApiKey, sendApiKeyError and apiKeyErrorHandler answering in the standard body', async () => {
    const request = supertest(await run(examples.all[1]!));
    const me = await request.get('/me');
    expect([me.status, me.headers['content-type'], me.text]).toEqual([401, 'application/json; charset=utf-8', MISSING]);
    for (const path of ['/reports/7', '/archive']) {
      const response = await request.get(path);
      expect([response.status, response.headers['content-type'], response.text]).toEqual([
        404,
        'application/json; charset=utf-8',
        NOT_FOUND,
      ]);
    }
  });

  it('mints a portal session with an API key, and keeps tokens and keys apart', async () => {
    const request = supertest(await run(examples.all[2]!));
    const minted = await request
      .post('/portal/sessions')
      .set('x-api-key', core.DEV_API_KEY)
      .send({ customer_id: 'cus_42' });
    expect(minted.status).toBe(201);
    const { token, expires_at } = minted.body as { token: string; expires_at: string };
    expect(core.isSessionTokenFormat(token)).toBe(true);
    const me = await request.get('/portal/me').set('x-session-token', token);
    expect([me.status, me.body]).toEqual([200, { customer_id: 'cus_42', expires_at }]);
    const keyAsToken = await request.get('/portal/me').set('x-session-token', core.DEV_API_KEY);
    expect([keyAsToken.status, keyAsToken.body.error.code]).toEqual([401, 'invalid_session_token']);
    const tokenAsKey = await request.post('/portal/sessions').set('x-api-key', token).send({ customer_id: 'c' });
    expect([tokenAsKey.status, tokenAsKey.text]).toEqual([401, INVALID]);
  });

  it('verifies a signed webhook, refuses its replay, and leaves the JSON route its parser', async () => {
    const secret = core.generateWebhookSecret();
    const saved = process.env.BILLING_WEBHOOK_SECRET;
    process.env.BILLING_WEBHOOK_SECRET = secret;
    try {
      const request = supertest(await run(examples.all[3]!));
      const payload = '{"type":"invoice.paid"}';
      const headers = { ...core.signWebhook({ id: 'msg_1', payload, secret }), 'content-type': 'application/json' };
      const send = (body: string) =>
        request
          .post('/webhooks/billing')
          .set(headers)
          .serialize(() => body)
          .send(body);
      expect((await send(payload)).status).toBe(204);
      const replay = await send(payload);
      expect([replay.status, replay.body.error]).toEqual([
        409,
        { code: 'conflict', message: 'webhook-id already received' },
      ]);
      const forged = await send(`${payload} `);
      expect([forged.status, forged.body.error.code]).toEqual([401, 'invalid_signature']);
      expect((await request.post('/orders').send({ sku: 'a' })).body).toEqual({ received: { sku: 'a' } });
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
        '@keyward/express: verifyWebhooks: options.secrets[0] must be a whsec_ secret or a whpk_ public key',
      );
    } finally {
      if (saved !== undefined) process.env.BILLING_WEBHOOK_SECRET = saved;
    }
  });
});

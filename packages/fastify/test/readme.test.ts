import * as core from '@keyward/core';
import { readmeExamples, runExample } from '@keyward/test-kit/readme-examples';
import Fastify, { type FastifyInstance, type FastifyListenOptions, type FastifyServerOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import * as adapter from '../src/index.js';

const examples = readmeExamples(new URL('../README.md', import.meta.url));
const JSON_TYPE = 'application/json; charset=utf-8';
const MISSING = '{"error":{"code":"missing_api_key","message":"Missing API key"}}';
const INVALID = '{"error":{"code":"invalid_api_key","message":"Invalid API key"}}';
const NOT_FOUND = '{"error":{"code":"not_found","message":"Not found"}}';

let apps: FastifyInstance[] = [];
const listening: FastifyInstance[] = [];

/** Fastify() as the examples call it, recording each app; listen({ port: 3000 }) takes a free port instead. */
function recordingFastify(options: FastifyServerOptions = {}) {
  const app = Fastify(options);
  apps.push(app);
  const listen = app.listen.bind(app);
  app.listen = ((options: FastifyListenOptions) => {
    listening.push(app);
    return listen({ ...options, port: 0, host: '127.0.0.1' });
  }) as FastifyInstance['listen'];
  return app;
}

async function run(example: string): Promise<FastifyInstance> {
  apps = [];
  await runExample(example, {
    '@keyward/core': core,
    '@keyward/fastify': adapter,
    fastify: { default: recordingFastify },
  });
  expect(apps).toHaveLength(1);
  const app = apps[0]!;
  await app.ready();
  return app;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('README', () => {
  it('has the examples this test runs, the first one of ten lines or fewer before any section', () => {
    expect(examples.all).toHaveLength(5);
    expect(examples.openingIsFirst).toBe(true);
    expect(examples.opening.trim().split('\n').length).toBeLessThanOrEqual(10);
  });

  it('opens with an example whose route config opens /health, scopes /reports, and listens', async () => {
    const app = await run(examples.opening);
    expect(listening).toContain(app);
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/reports' })).body).toBe(MISSING);
    const ok = await app.inject({ url: '/reports', headers: { 'x-api-key': core.DEV_API_KEY } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ tenantId: core.DEV_TENANT_ID, scopes: ['*'] });
  });

  it('gives the curl command with the development key the example accepts', () => {
    expect(examples.text).toContain(`curl -H 'x-api-key: ${core.DEV_API_KEY}' localhost:3000/reports`);
  });

  it('registers the plugin twice: optional for the app, a key needed in the child scope', async () => {
    const app = await run(examples.all[1]!);
    expect((await app.inject({ url: '/catalog' })).json()).toEqual({ personalised: false });
    expect((await app.inject({ url: '/catalog', headers: { 'x-api-key': 'wrong' } })).body).toBe(INVALID);
    const admin = await app.inject({ url: '/admin/stats' });
    expect([admin.statusCode, admin.body]).toEqual([401, MISSING]);
  });

  it('shows getApiKey, sendApiKeyError and apiKeyErrorHandler answering in the standard body', async () => {
    const app = await run(examples.all[2]!);
    const me = await app.inject({ url: '/me' });
    expect([me.statusCode, me.headers['content-type'], me.body]).toEqual([401, JSON_TYPE, MISSING]);
    for (const url of ['/reports/7', '/nowhere']) {
      const response = await app.inject({ url });
      expect([response.statusCode, response.headers['content-type'], response.body]).toEqual([
        404,
        JSON_TYPE,
        NOT_FOUND,
      ]);
    }
  });

  it('mints a portal session with an API key, and keeps tokens and keys apart', async () => {
    const app = await run(examples.all[3]!);
    const minted = await app.inject({
      method: 'POST',
      url: '/portal/sessions',
      headers: { 'x-api-key': core.DEV_API_KEY },
      payload: { customer_id: 'cus_42' },
    });
    expect(minted.statusCode).toBe(201);
    const { token, expires_at } = minted.json() as { token: string; expires_at: string };
    expect(core.isSessionTokenFormat(token)).toBe(true);
    const me = await app.inject({ url: '/portal/me', headers: { 'x-session-token': token } });
    expect([me.statusCode, me.json()]).toEqual([200, { customer_id: 'cus_42', expires_at }]);
    const keyAsToken = await app.inject({ url: '/portal/me', headers: { 'x-session-token': core.DEV_API_KEY } });
    expect([keyAsToken.statusCode, keyAsToken.json().error.code]).toEqual([401, 'invalid_session_token']);
    const tokenAsKey = await app.inject({
      method: 'POST',
      url: '/portal/sessions',
      headers: { 'x-api-key': token },
      payload: { customer_id: 'cus_42' },
    });
    expect([tokenAsKey.statusCode, tokenAsKey.body]).toEqual([401, INVALID]);
    expect((await app.inject({ url: '/portal/me' })).json().error.code).toBe('missing_session_token');
  });

  it('verifies a signed webhook, refuses its replay, and leaves the JSON route its parser', async () => {
    const secret = core.generateWebhookSecret();
    const saved = process.env.BILLING_WEBHOOK_SECRET;
    process.env.BILLING_WEBHOOK_SECRET = secret;
    try {
      const app = await run(examples.all[4]!);
      const payload = '{"type":"invoice.paid"}';
      const headers = { ...core.signWebhook({ id: 'msg_1', payload, secret }), 'content-type': 'application/json' };
      const first = await app.inject({ method: 'POST', url: '/webhooks/billing', headers, payload });
      expect(first.statusCode).toBe(204);
      const replay = await app.inject({ method: 'POST', url: '/webhooks/billing', headers, payload });
      expect([replay.statusCode, replay.json().error]).toEqual([
        409,
        { code: 'conflict', message: 'webhook-id already received' },
      ]);
      const forged = await app.inject({ method: 'POST', url: '/webhooks/billing', headers, payload: `${payload} ` });
      expect([forged.statusCode, forged.json().error.code]).toEqual([401, 'invalid_signature']);
      const order = await app.inject({ method: 'POST', url: '/orders', payload: { sku: 'a' } });
      expect(order.json()).toEqual({ received: { sku: 'a' } });
    } finally {
      if (saved === undefined) delete process.env.BILLING_WEBHOOK_SECRET;
      else process.env.BILLING_WEBHOOK_SECRET = saved;
    }
  });

  it('refuses to start the webhook example without a valid secret, never quoting it', async () => {
    const saved = process.env.BILLING_WEBHOOK_SECRET;
    process.env.BILLING_WEBHOOK_SECRET = 'whsec_not-base64!';
    try {
      await expect(run(examples.all[4]!)).rejects.toThrow(
        '@keyward/fastify: webhookAuth: options.secrets[0] must be a whsec_ secret or a whpk_ public key',
      );
    } finally {
      if (saved === undefined) delete process.env.BILLING_WEBHOOK_SECRET;
      else process.env.BILLING_WEBHOOK_SECRET = saved;
    }
  });
});

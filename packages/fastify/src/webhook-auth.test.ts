import { Writable } from 'node:stream';
import { ApiKeyError, generateWebhookSecret, MemoryKeyStore, signWebhook } from '@keyward/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, apiKeyErrorHandler, sendApiKeyError, webhookAuth } from './index.js';

const secret = generateWebhookSecret();
const signature = { config: { keyward: { auth: 'signature' as const } } };
const EVENT = '{"type":"invoice.paid"}';
const apps: FastifyInstance[] = [];

function signed(payload = EVENT, contentType = 'application/json') {
  return { ...signWebhook({ id: 'msg_1', payload, secret }), 'content-type': contentType };
}

function logged(): { app: FastifyInstance; messages: string[] } {
  const messages: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      const line = JSON.parse(String(chunk)) as { msg: string; err?: { message: string } };
      messages.push(line.err ? `${line.msg}: ${line.err.message}` : line.msg);
      done();
    },
  });
  const app = Fastify({ logger: { level: 'error', stream } });
  apps.push(app);
  return { app, messages };
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('webhookAuth (fastify)', () => {
  it('refuses the root instance, where its parser would replace every route’s JSON parser', async () => {
    const app = Fastify();
    apps.push(app);
    await expect(app.register(webhookAuth, { secrets: [secret] })).rejects.toThrow(
      '@keyward/fastify: webhookAuth: register it inside the encapsulated context that holds the webhook routes (app.register(async (webhooks) => { await webhooks.register(webhookAuth, options); webhooks.post(...) })), not on the root instance, where its raw-body parser would replace the JSON parser of every route',
    );
  });

  it('needs no API key on a signature route under an app-wide apiKeyAuth, and JSON routes keep their parser', async () => {
    const app = Fastify();
    apps.push(app);
    const keys = new MemoryKeyStore();
    const { key } = await keys.create({ tenantId: 't', environmentId: 'e', userId: null, name: 'ci' });
    await app.register(apiKeyAuth, { store: keys });
    await app.register(async (webhooks) => {
      await webhooks.register(webhookAuth, { secrets: [secret] });
      webhooks.post('/hooks/billing', signature, async (request) => ({
        type: JSON.parse(String(request.webhook?.payload)).type,
      }));
    });
    // A sibling context, registered later, is untouched too.
    await app.register(async (api) => {
      api.post('/items', async (request) => ({ parsed: request.body }));
    });
    app.post('/things', async (request) => ({ parsed: request.body }));
    const hook = await app.inject({ method: 'POST', url: '/hooks/billing', headers: signed(), payload: EVENT });
    expect([hook.statusCode, hook.json()]).toEqual([200, { type: 'invoice.paid' }]);
    for (const url of ['/things', '/items']) {
      const json = await app.inject({ method: 'POST', url, headers: { 'x-api-key': key }, payload: { a: [1] } });
      expect([json.statusCode, json.json()]).toEqual([200, { parsed: { a: [1] } }]);
    }
  });

  it('keeps other routes of its context raw but unverified, and apiKeyAuth still guards them', async () => {
    const app = Fastify();
    apps.push(app);
    const keys = new MemoryKeyStore();
    const { key } = await keys.create({ tenantId: 't', environmentId: 'e', userId: null, name: 'ci' });
    await app.register(apiKeyAuth, { store: keys });
    await app.register(async (webhooks) => {
      await webhooks.register(webhookAuth, { secrets: [secret] });
      webhooks.post('/hooks/replay', async (request) => ({
        raw: Buffer.isBuffer(request.body),
        webhook: request.webhook,
      }));
    });
    expect((await app.inject({ method: 'POST', url: '/hooks/replay', payload: EVENT })).statusCode).toBe(401);
    const response = await app.inject({
      method: 'POST',
      url: '/hooks/replay',
      headers: { 'x-api-key': key, 'content-type': 'application/json' },
      payload: EVENT,
    });
    expect([response.statusCode, response.json()]).toEqual([200, { raw: true, webhook: null }]);
  });

  it('answers 500 and logs why, never accepting, when a later parser in its context took the body', async () => {
    const { app, messages } = logged();
    let reached = false;
    await app.register(async (webhooks) => {
      await webhooks.register(webhookAuth, { secrets: [secret] });
      webhooks.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
        done(null, JSON.parse(String(body)));
      });
      webhooks.post('/hooks', signature, async () => {
        reached = true;
        return 'accepted';
      });
    });
    const response = await app.inject({ method: 'POST', url: '/hooks', headers: signed(), payload: EVENT });
    expect([response.statusCode, response.body]).toEqual([
      500,
      '{"error":{"code":"internal_error","message":"Internal server error"}}',
    ]);
    expect(reached).toBe(false);
    expect(messages).toContain(
      'keyward refused the request: @keyward/fastify: webhookAuth: the body of POST /hooks was parsed by another content-type parser added after webhookAuth',
    );
    expect(messages.join('\n')).not.toContain(secret);
  });

  it("answers 413 in the standard body whatever the app's error handler does with Fastify's own errors", async () => {
    const app = Fastify();
    apps.push(app);
    app.setErrorHandler((_err, _request, reply) => reply.code(599).send('the app’s own rendering'));
    await app.register(async (webhooks) => {
      await webhooks.register(webhookAuth, { secrets: [secret], limit: 10 });
      webhooks.post('/hooks', signature, async () => 'accepted');
    });
    const response = await app.inject({ method: 'POST', url: '/hooks', headers: signed(), payload: EVENT });
    expect([response.statusCode, response.headers['content-type'], response.body]).toEqual([
      413,
      'application/json; charset=utf-8',
      '{"error":{"code":"payload_too_large","message":"Request body is too large"}}',
    ]);
  });

  it("hands an error onError throws to the app's error handler", async () => {
    const app = Fastify();
    apps.push(app);
    app.setErrorHandler(apiKeyErrorHandler());
    const seen: string[] = [];
    await app.register(async (webhooks) => {
      await webhooks.register(webhookAuth, {
        secrets: [secret],
        onError: (err) => {
          seen.push(err.message);
          throw new ApiKeyError('not_found');
        },
      });
      webhooks.post('/hooks', signature, async () => 'accepted');
    });
    const response = await app.inject({ method: 'POST', url: '/hooks', headers: signed(), payload: `${EVENT} ` });
    expect([response.statusCode, response.json().error.code]).toEqual([404, 'not_found']);
    expect(seen).toEqual(['No webhook signature matches the endpoint secret']);
  });

  it('lets onError answer with sendApiKeyError, as the plugin would', async () => {
    const app = Fastify();
    apps.push(app);
    await app.register(async (webhooks) => {
      await webhooks.register(webhookAuth, {
        secrets: async () => null,
        onError: (err, _request, reply) => sendApiKeyError(reply, new ApiKeyError('not_found', { message: err.code })),
      });
      webhooks.post('/hooks/:id', signature, async () => 'accepted');
    });
    const response = await app.inject({ method: 'POST', url: '/hooks/x', headers: signed(), payload: EVENT });
    expect([response.statusCode, response.body]).toEqual([404, '{"error":{"code":"not_found","message":"not_found"}}']);
  });
});

import { Writable } from 'node:stream';
import { MemoryKeyStore, MemorySessionStore } from '@keyward/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, sessionAuth, webhookAuth } from './index.js';

const INTERNAL = '{"error":{"code":"internal_error","message":"Internal server error"}}';
const secrets = ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'];
const apps: FastifyInstance[] = [];

/** An app whose log lines are kept, to show that a refusal says why in the log. */
function app(): { app: FastifyInstance; logs: { level: number; msg: string }[] } {
  const logs: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logs.push(JSON.parse(String(chunk)));
      done();
    },
  });
  const instance = Fastify({ logger: { level: 'error', stream } });
  apps.push(instance);
  return { app: instance, logs };
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

describe('which plugin guards which route (fastify)', () => {
  it('leaves session, signature and open routes to their guards: apiKeyAuth asks for no key there', async () => {
    const { app: a } = app();
    await a.register(apiKeyAuth, { store: new MemoryKeyStore() });
    await a.register(sessionAuth, { store: new MemorySessionStore() });
    a.get('/portal', { config: { keyward: { auth: 'session' } } }, async () => 'portal');
    a.get('/open', { config: { keyward: { auth: 'none' } } }, async () => 'open');
    a.get('/keys', async () => 'keys');
    await a.register(async (webhooks) => {
      await webhooks.register(webhookAuth, { secrets });
      webhooks.post('/hook', { config: { keyward: { auth: 'signature' } } }, async () => 'hook');
    });
    expect((await a.inject({ url: '/portal' })).json()).toEqual({
      error: { code: 'missing_session_token', message: 'Missing session token' },
    });
    expect((await a.inject({ url: '/open' })).body).toBe('open');
    expect((await a.inject({ url: '/keys' })).json().error.code).toBe('missing_api_key');
    const hook = await a.inject({
      method: 'POST',
      url: '/hook',
      payload: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect([hook.statusCode, hook.json().error.code]).toEqual([401, 'invalid_signature']);
  });

  it("refuses to start with a 'session' route and no sessionAuth in its context", async () => {
    const { app: a } = app();
    await a.register(apiKeyAuth, { store: new MemoryKeyStore() });
    a.get('/portal', { config: { keyward: { auth: 'session' } } }, async () => 'open?');
    await expect(a.ready()).rejects.toThrow(
      "@keyward/fastify: GET /portal has config.keyward.auth 'session', but no sessionAuth is registered in its context: register sessionAuth (beside apiKeyAuth)",
    );
  });

  it('refuses to start when sessionAuth guards a child scope only and the session route is outside it', async () => {
    const { app: a } = app();
    await a.register(apiKeyAuth, { store: new MemoryKeyStore() });
    await a.register(async (portal) => {
      await portal.register(sessionAuth, { store: new MemorySessionStore() });
    });
    a.get('/portal', { config: { keyward: { auth: 'session' } } }, async () => 'open?');
    await expect(a.ready()).rejects.toThrow(/GET \/portal has config\.keyward\.auth 'session', but no sessionAuth/);
  });

  it('counts a session route declared before sessionAuth loaded, in its context, as guarded', async () => {
    const { app: a } = app();
    await a.register(apiKeyAuth, { store: new MemoryKeyStore() });
    a.register(sessionAuth, { store: new MemorySessionStore() });
    a.get('/portal', { config: { keyward: { auth: 'session' } } }, async () => 'reached');
    await a.ready();
    expect((await a.inject({ url: '/portal' })).statusCode).toBe(401);
  });

  it("refuses to start with a 'signature' route outside every webhookAuth context", async () => {
    const { app: a } = app();
    await a.register(apiKeyAuth, { store: new MemoryKeyStore() });
    await a.register(async (webhooks) => {
      await webhooks.register(webhookAuth, { secrets });
      // In a child of the webhookAuth context: guarded, so this one is fine.
      await webhooks.register(async (deeper) => {
        deeper.post('/deeper', { config: { keyward: { auth: 'signature' } } }, async () => 'x');
      });
    });
    a.post('/hook', { config: { keyward: { auth: 'signature' } } }, async () => 'open?');
    await expect(a.ready()).rejects.toThrow(
      "@keyward/fastify: POST /hook has config.keyward.auth 'signature', but it is outside every webhookAuth context: declare it in the encapsulated context where webhookAuth is registered",
    );
  });

  it('refuses to start with a route that asks for an API key where no apiKeyAuth is registered', async () => {
    const { app: a } = app();
    await a.register(sessionAuth, { store: new MemorySessionStore() });
    a.get('/admin', { config: { keyward: { scopes: ['admin'] } } }, async () => 'open?');
    await expect(a.ready()).rejects.toThrow(
      '@keyward/fastify: GET /admin has config.keyward for an API key, but no apiKeyAuth is registered in its context',
    );
  });

  it('answers 500 and logs why for a session route no plugin saw added and no sessionAuth guards', async () => {
    const { app: a, logs } = app();
    let reached = false;
    // Not awaited: the route is added before apiKeyAuth loads, so no onRoute hook sees it.
    a.register(apiKeyAuth, { store: new MemoryKeyStore() });
    a.get('/portal', { config: { keyward: { auth: 'session' } } }, async () => {
      reached = true;
      return 'open?';
    });
    await a.ready();
    const response = await a.inject({ url: '/portal' });
    expect([response.statusCode, response.body]).toEqual([500, INTERNAL]);
    expect(reached).toBe(false);
    expect(logs.map((l) => l.msg)).toContain(
      "@keyward/fastify: GET /portal has config.keyward.auth 'session', but no sessionAuth is registered in its context: register sessionAuth (beside apiKeyAuth)",
    );
  });

  it('answers 500 and logs why for a signature route outside webhookAuth that no plugin saw added', async () => {
    const { app: a, logs } = app();
    let reached = false;
    a.register(apiKeyAuth, { store: new MemoryKeyStore() });
    a.post('/hook', { config: { keyward: { auth: 'signature' } } }, async () => {
      reached = true;
      return 'open?';
    });
    await a.ready();
    const response = await a.inject({ method: 'POST', url: '/hook', payload: { a: 1 } });
    expect([response.statusCode, response.body]).toEqual([500, INTERNAL]);
    expect(reached).toBe(false);
    expect(logs.some((l) => l.msg.includes("POST /hook has config.keyward.auth 'signature'"))).toBe(true);
  });
});

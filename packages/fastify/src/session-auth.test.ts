import { isApiKeyError, MemoryKeyStore, MemorySessionStore } from '@keyward/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyAuth, apiKeyErrorHandler, type SessionAuthOptions, sessionAuth } from './index.js';

const scope = { tenantId: 't_1', environmentId: 'prod' };
const session = { config: { keyward: { auth: 'session' as const } } };
const apps: FastifyInstance[] = [];

async function build(options: SessionAuthOptions, setup?: (app: FastifyInstance) => void) {
  const app = Fastify();
  apps.push(app);
  setup?.(app);
  await app.register(sessionAuth, options);
  app.get('/portal', session, async (request) => ({ portalSession: request.portalSession }));
  await app.ready();
  return app;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('sessionAuth (fastify)', () => {
  it('stops listening to the session store when the app closes', async () => {
    const store = new MemorySessionStore();
    let listening = 0;
    const watch = store.watch.bind(store);
    store.watch = (listener) => {
      listening += 1;
      const stop = watch(listener);
      return () => {
        listening -= 1;
        return stop();
      };
    };
    const app = await build({ store });
    expect(listening).toBe(1);
    await app.close();
    expect(listening).toBe(0);
  });

  it('refuses a bad onError or optional at start, naming the function', async () => {
    const store = new MemorySessionStore();
    await expect(build({ store, onError: 'log' as never })).rejects.toThrow(
      '@keyward/fastify: sessionAuth: options.onError must be a function',
    );
    await expect(build({ store, optional: 1 as never })).rejects.toThrow(
      '@keyward/fastify: sessionAuth: options.optional must be a boolean',
    );
  });

  it("hands an error onError throws to Fastify's error handler", async () => {
    const app = await build(
      {
        store: new MemorySessionStore(),
        onError: (err) => {
          throw err;
        },
      },
      (a) => {
        a.setErrorHandler((err, _request, reply) => {
          reply.code(isApiKeyError(err) ? err.status : 500).send({ handled: isApiKeyError(err) && err.code });
        });
      },
    );
    const response = await app.inject({ url: '/portal', headers: { 'x-session-token': 'nope' } });
    expect([response.statusCode, response.json()]).toEqual([401, { handled: 'invalid_session_token' }]);
  });

  it('sets a session that never holds the token, and leaves request.portalSession null elsewhere', async () => {
    const store = new MemorySessionStore();
    const { token, session: record } = await store.createSession({ ...scope, customerId: 'cus_1' });
    let elsewhere: unknown = 'unset';
    const app = await build({ store }, (a) => {
      a.get('/open', { config: { keyward: { auth: 'none' } } }, async (request) => {
        elsewhere = request.portalSession;
        return 'open';
      });
    });
    const response = await app.inject({ url: '/portal', headers: { 'x-session-token': token } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      portalSession: {
        sessionId: record.id,
        customerId: 'cus_1',
        tenantId: 't_1',
        environmentId: 'prod',
        expiresAt: record.expiresAt.toISOString(),
      },
    });
    expect(response.body).not.toContain(token);
    expect((await app.inject({ url: '/open', headers: { 'x-session-token': token } })).body).toBe('open');
    expect(elsewhere).toBeNull();
  });

  it('refuses a token the moment its session is revoked', async () => {
    const store = new MemorySessionStore();
    const { token, session: record } = await store.createSession({ ...scope, customerId: 'cus_1' });
    const app = await build({ store });
    const headers = { 'x-session-token': token };
    expect((await app.inject({ url: '/portal', headers })).statusCode).toBe(200);
    await store.revokeSession(scope, record.id);
    expect((await app.inject({ url: '/portal', headers })).json().error.code).toBe('invalid_session_token');
  });

  it('works registered before apiKeyAuth too, and each keeps to its own routes', async () => {
    const sessions = new MemorySessionStore();
    const keys = new MemoryKeyStore();
    const { token } = await sessions.createSession({ ...scope, customerId: 'cus_1' });
    const { key } = await keys.create({ ...scope, userId: null, name: 'ci' });
    const app = Fastify();
    apps.push(app);
    app.setErrorHandler(apiKeyErrorHandler());
    await app.register(sessionAuth, { store: sessions });
    await app.register(apiKeyAuth, { store: keys });
    app.get('/portal', session, async (request) => request.portalSession?.customerId);
    app.get('/keys', async (request) => request.apiKey?.name);
    expect((await app.inject({ url: '/portal', headers: { 'x-session-token': token } })).body).toBe('cus_1');
    expect((await app.inject({ url: '/keys', headers: { 'x-api-key': key } })).body).toBe('ci');
    expect((await app.inject({ url: '/portal', headers: { 'x-api-key': key } })).statusCode).toBe(401);
    expect((await app.inject({ url: '/keys', headers: { 'x-session-token': token } })).statusCode).toBe(401);
  });
});

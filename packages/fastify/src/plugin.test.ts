import { ApiKeyError, isApiKeyError, MemoryKeyStore } from '@keyward/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import defaultExport, { type ApiKeyAuthOptions, apiKeyAuth, sendApiKeyError } from './index.js';

const base = { tenantId: 't_1', environmentId: 'prod', userId: null };
const MISSING = '{"error":{"code":"missing_api_key","message":"Missing API key"}}';
const apps: FastifyInstance[] = [];

async function build(options: ApiKeyAuthOptions, routes?: (app: FastifyInstance) => void, fastifyOptions = {}) {
  const app = Fastify(fastifyOptions);
  apps.push(app);
  await app.register(apiKeyAuth, options);
  if (routes) routes(app);
  else app.get('/', async (request) => ({ apiKey: request.apiKey }));
  await app.ready();
  return app;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('apiKeyAuth (fastify)', () => {
  it('is the default export too', () => {
    expect(defaultExport).toBe(apiKeyAuth);
  });

  it('stops listening to the store when the app closes', async () => {
    const store = new MemoryKeyStore();
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

  it("exports sendApiKeyError for an app's own handlers, rendering exactly as the plugin does", async () => {
    const app = Fastify();
    apps.push(app);
    app.setNotFoundHandler((_request, reply) => sendApiKeyError(reply, new ApiKeyError('not_found')));
    app.get('/slow-down', (_request, reply) =>
      sendApiKeyError(reply, new ApiKeyError('too_many_requests', { retryAfterSeconds: 7 })),
    );
    const missing = await app.inject({ url: '/nowhere' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(missing.body).toBe('{"error":{"code":"not_found","message":"Not found"}}');
    const limited = await app.inject({ url: '/slow-down' });
    expect(limited.statusCode).toBe(429);
    expect(limited.headers['retry-after']).toBe('7');
  });

  it('refuses to start without a store, naming the option', async () => {
    await expect(build({} as ApiKeyAuthOptions)).rejects.toThrow(/options\.store/);
  });

  it('refuses a bad failureLimit, optional, or onError at start', async () => {
    const store = new MemoryKeyStore();
    await expect(build({ store, failureLimit: { max: 0, windowMs: 1000 } })).rejects.toThrow(/failureLimit\.max/);
    await expect(build({ store, optional: 'yes' as unknown as boolean })).rejects.toThrow(/options\.optional/);
    await expect(build({ store, onError: 'log' as never })).rejects.toThrow(/options\.onError/);
  });

  it('refuses a route whose config.keyward.scopes is not a list of scopes, naming the route', async () => {
    const store = new MemoryKeyStore();
    const routes = (app: FastifyInstance) => {
      app.get('/bad', { config: { keyward: { scopes: ['has space'] } } }, async () => 'x');
    };
    await expect(build({ store }, routes)).rejects.toThrow(/config\.keyward of GET \/bad\.scopes/);
  });

  it('refuses a typo in config.keyward at boot, naming the route and the field', async () => {
    const store = new MemoryKeyStore();
    const cases: [unknown, RegExp][] = [
      [
        { scope: ['admin'] },
        /config\.keyward of GET \/t\.scope is not an option \(did you mean config\.keyward of GET \/t\.scopes\?\)/,
      ],
      [{ auth: 'None' }, /config\.keyward of GET \/t\.auth must be 'apiKey', 'session', 'signature' or 'none'/],
      [{ auth: false }, /\.auth must be 'apiKey', 'session', 'signature' or 'none'/],
      [
        { auth: 'session', scopes: ['admin'] },
        /config\.keyward of GET \/t\.scopes only applies to API key routes, not to auth 'session'$/,
      ],
      [{ auth: 'signature', scopes: [] }, /\.scopes only applies to API key routes, not to auth 'signature'$/],
      [{ auth: 'none', scopes: ['a'] }, /\.scopes only applies to API key routes, not to auth 'none'$/],
      ['none', /config\.keyward of GET \/t must be an object/],
    ];
    for (const [keyward, message] of cases) {
      const routes = (app: FastifyInstance) => {
        app.get('/t', { config: { keyward: keyward as never } }, async () => 'x');
      };
      await expect(build({ store }, routes)).rejects.toThrow(message);
    }
  });

  it("lets a route through with config.keyward.auth 'none', and leaves other route config alone", async () => {
    const app = await build({ store: new MemoryKeyStore() }, (a) => {
      a.get('/open', { config: { keyward: { auth: 'none' }, scopes: 'not ours' } as never }, async (request) => ({
        apiKey: request.apiKey,
        scopes: (request.routeOptions.config as { scopes?: unknown }).scopes,
      }));
    });
    const response = await app.inject({ url: '/open' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ apiKey: null, scopes: 'not ours' });
  });

  it('reads config.keyward of routes declared before the plugin loaded (register not awaited)', async () => {
    const app = Fastify();
    apps.push(app);
    app.register(apiKeyAuth, { store: new MemoryKeyStore() });
    app.get('/open', { config: { keyward: { auth: 'none' } } }, async () => 'open');
    app.get('/closed', async () => 'closed');
    app.get('/typo', { config: { keyward: { auth: 'None' } as never } }, async () => 'typo');
    expect((await app.inject({ url: '/open' })).body).toBe('open');
    expect((await app.inject({ url: '/closed' })).statusCode).toBe(401);
    // A typo onRoute never saw fails closed when the route is first called.
    const typo = await app.inject({ url: '/typo' });
    expect(typo.statusCode).toBe(500);
    expect(typo.body).toBe('{"error":{"code":"internal_error","message":"Internal server error"}}');
  });

  it('can be registered twice: an optional guard for the app, a stricter one in a child scope', async () => {
    const store = new MemoryKeyStore();
    const reader = await store.create({ ...base, name: 'r', scopes: ['read'] });
    const admin = await store.create({ ...base, name: 'a', scopes: ['read', 'admin'] });
    const app = Fastify();
    apps.push(app);
    await app.register(apiKeyAuth, { store, optional: true });
    app.get('/public', async (request) => ({ apiKey: request.apiKey }));
    await app.register(async (child) => {
      await child.register(apiKeyAuth, { store, scopes: ['admin'] });
      child.get('/admin', async () => 'admin only');
    });
    expect((await app.inject({ url: '/public' })).statusCode).toBe(200);
    expect((await app.inject({ url: '/admin' })).statusCode).toBe(401);
    const asReader = await app.inject({ url: '/admin', headers: { 'x-api-key': reader.key } });
    expect(asReader.statusCode).toBe(403);
    const asAdmin = await app.inject({ url: '/admin', headers: { 'x-api-key': admin.key } });
    expect(asAdmin.body).toBe('admin only');
  });

  it('checks config.keyward.scopes on a route on top of the plugin scopes', async () => {
    const store = new MemoryKeyStore();
    const reader = await store.create({ ...base, name: 'r', scopes: ['keys:read'] });
    const writer = await store.create({ ...base, name: 'w', scopes: ['keys:read', 'keys:write'] });
    const app = await build({ store, scopes: ['keys:read'] }, (a) => {
      a.post('/keys', { config: { keyward: { scopes: ['keys:write'] } } }, async () => ({ created: true }));
    });
    const asReader = await app.inject({ method: 'POST', url: '/keys', headers: { 'x-api-key': reader.key } });
    expect(asReader.statusCode).toBe(403);
    expect(asReader.json().error.code).toBe('insufficient_scope');
    const asWriter = await app.inject({ method: 'POST', url: '/keys', headers: { 'x-api-key': writer.key } });
    expect(asWriter.statusCode).toBe(200);
  });

  it('still needs a key on a route with config.keyward.scopes in optional mode', async () => {
    const app = await build({ store: new MemoryKeyStore(), optional: true }, (a) => {
      a.get('/open', async (request) => ({ apiKey: request.apiKey }));
      a.get('/scoped', { config: { keyward: { scopes: ['keys:write'] } } }, async () => 'reached');
    });
    expect((await app.inject({ url: '/open' })).body).toBe('{"apiKey":null}');
    const scoped = await app.inject({ url: '/scoped' });
    expect(scoped.statusCode).toBe(401);
    expect(scoped.body).toBe(MISSING);
  });

  it('answers 401 before 404, so an unauthenticated caller cannot map the routes', async () => {
    const store = new MemoryKeyStore();
    const { key } = await store.create({ ...base, name: 'ci' });
    const app = await build({ store });
    expect((await app.inject({ url: '/nope' })).statusCode).toBe(401);
    expect((await app.inject({ url: '/nope', headers: { 'x-api-key': key } })).statusCode).toBe(404);
  });

  it('guards routes of child plugins, since fastify-plugin lifts the hook to the parent', async () => {
    const app = await build({ store: new MemoryKeyStore() }, (a) => {
      a.register(async (child) => {
        child.get('/child', async () => 'reached');
      });
    });
    const response = await app.inject({ url: '/child' });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(MISSING);
  });

  it('fails closed when onError neither replies nor throws', async () => {
    const seen: string[] = [];
    let reached = false;
    const app = await build({ store: new MemoryKeyStore(), onError: (err) => void seen.push(err.code) }, (a) => {
      a.get('/', async () => {
        reached = true;
        return 'reached';
      });
    });
    const response = await app.inject({ url: '/' });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe(MISSING);
    expect(seen).toEqual(['missing_api_key']);
    expect(reached).toBe(false);
  });

  it("hands a thrown error to Fastify's error handler", async () => {
    const app = Fastify();
    apps.push(app);
    app.setErrorHandler((err, _request, reply) => {
      reply.code(isApiKeyError(err) ? err.status : 500).send({ handled: isApiKeyError(err) && err.code });
    });
    await app.register(apiKeyAuth, {
      store: new MemoryKeyStore(),
      onError: (err) => {
        throw err;
      },
    });
    app.get('/', async () => 'reached');
    const response = await app.inject({ url: '/', headers: { 'x-api-key': 'nope' } });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ handled: 'invalid_api_key' });
  });

  it('counts failures per request.ip: x-forwarded-for is ignored unless trustProxy is on', async () => {
    const app = await build({ store: new MemoryKeyStore(), failureLimit: { max: 2, windowMs: 60_000 } });
    for (const address of ['198.51.100.1', '198.51.100.2']) {
      const response = await app.inject({ url: '/', headers: { 'x-forwarded-for': address } });
      expect(response.statusCode).toBe(401);
    }
    // A spoofed header does not buy a fresh budget: both failures counted against 127.0.0.1.
    const third = await app.inject({ url: '/', headers: { 'x-forwarded-for': '198.51.100.3' } });
    expect(third.statusCode).toBe(429);
    const elsewhere = await app.inject({ url: '/', remoteAddress: '192.0.2.50' });
    expect(elsewhere.statusCode).toBe(401);
  });

  it('attaches a context that never holds the key', async () => {
    const store = new MemoryKeyStore();
    const { key, apiKey } = await store.create({ ...base, name: 'ci', scopes: ['a'] });
    let attached: unknown;
    const app = await build({ store }, (a) => {
      a.get('/', async (request) => {
        attached = request.apiKey;
        return 'ok';
      });
    });
    const response = await app.inject({ url: '/', headers: { 'x-api-key': key } });
    expect(response.statusCode).toBe(200);
    expect(attached).toEqual({
      keyId: apiKey.id,
      tenantId: 't_1',
      environmentId: 'prod',
      userId: null,
      scopes: ['a'],
      name: 'ci',
    });
    expect(JSON.stringify(attached)).not.toContain(key);
  });
});

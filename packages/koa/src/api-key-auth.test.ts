import { isApiKeyError, MemoryKeyStore } from '@keyward/core';
import Koa, { type Middleware } from 'koa';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { type ApiKeyAuthOptions, type ApiKeyState, apiKeyAuth } from './index.js';

const base = { tenantId: 't_1', environmentId: 'prod', userId: 'u_1' };
const INVALID = '{"error":{"code":"invalid_api_key","message":"Invalid API key"}}';

function appWith(auth: Middleware<ApiKeyState>) {
  const app = new Koa<ApiKeyState>();
  const seen: unknown[] = [];
  app.use(auth);
  app.use((ctx) => {
    seen.push(ctx.state.apiKey);
    ctx.body = { apiKey: ctx.state.apiKey ?? null };
  });
  return { app, seen, request: supertest(app.callback()) };
}

describe('apiKeyAuth (koa)', () => {
  it('throws at setup without a store, naming the option', () => {
    expect(() => apiKeyAuth({} as ApiKeyAuthOptions)).toThrow(/@keyward\/koa: options\.store/);
  });

  it('throws at setup for a bad environmentHeader, optional or onError', () => {
    const store = new MemoryKeyStore();
    expect(() => apiKeyAuth({ store, environmentHeader: 'a b' })).toThrow(/options\.environmentHeader/);
    expect(() => apiKeyAuth({ store, optional: 1 as unknown as boolean })).toThrow(/options\.optional/);
    expect(() => apiKeyAuth({ store, onError: 'log' as never })).toThrow(/options\.onError/);
  });

  it('sets ctx.state.apiKey to the context, never the key', async () => {
    const store = new MemoryKeyStore();
    const { key, apiKey } = await store.create({ ...base, name: 'ci', scopes: ['a'] });
    const { request, seen } = appWith(apiKeyAuth({ store }));
    const response = await request.get('/').set('x-api-key', key);
    expect(response.status).toBe(200);
    expect(seen).toEqual([
      { keyId: apiKey.id, tenantId: 't_1', environmentId: 'prod', userId: 'u_1', scopes: ['a'], name: 'ci' },
    ]);
    expect(JSON.stringify(seen)).not.toContain(key);
  });

  it('lets onError pass the refused request on with next() when the author decides so', async () => {
    const { request, seen } = appWith(
      apiKeyAuth({ store: new MemoryKeyStore(), onError: (_err, _ctx, next) => next() }),
    );
    const response = await request.get('/').set('x-api-key', 'wrong');
    expect(response.status).toBe(200);
    expect(response.text).toBe('{"apiKey":null}');
    expect(seen).toEqual([undefined]);
  });

  it('fails closed when onError neither answers nor calls next', async () => {
    const codes: string[] = [];
    const { request, seen } = appWith(
      apiKeyAuth({ store: new MemoryKeyStore(), onError: (err) => codes.push(err.code) }),
    );
    const response = await request.get('/').set('x-api-key', 'wrong');
    expect(response.status).toBe(401);
    expect(response.text).toBe(INVALID);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(codes).toEqual(['invalid_api_key']);
    expect(seen).toEqual([]);
  });

  it("lets onError throw the ApiKeyError to the app's own error handling", async () => {
    const app = new Koa<ApiKeyState>();
    app.use(async (ctx, next) => {
      try {
        await next();
      } catch (err) {
        ctx.status = isApiKeyError(err) ? err.status : 500;
        ctx.body = { handled: isApiKeyError(err) && err.code };
      }
    });
    app.use(
      apiKeyAuth({
        store: new MemoryKeyStore(),
        onError: (err) => {
          throw err;
        },
      }),
    );
    app.use((ctx) => {
      ctx.body = 'reached';
    });
    const response = await supertest(app.callback()).get('/');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ handled: 'missing_api_key' });
  });

  it('counts failures per ctx.ip: x-forwarded-for is ignored unless app.proxy is set', async () => {
    const { request } = appWith(
      apiKeyAuth({ store: new MemoryKeyStore(), failureLimit: { max: 2, windowMs: 60_000 } }),
    );
    for (const address of ['198.51.100.1', '198.51.100.2']) {
      const response = await request.get('/').set('x-api-key', 'wrong').set('x-forwarded-for', address);
      expect(response.text).toBe(INVALID);
    }
    const third = await request.get('/').set('x-forwarded-for', '198.51.100.3');
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toMatch(/^\d+$/);
  });
});

import { isApiKeyError, MemoryKeyStore } from '@keyward/core';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { type ApiKeyAuthOptions, apiKeyAuth } from './index.js';

const base = { tenantId: 't_1', environmentId: 'prod', userId: 'u_1' };
const INVALID = '{"error":{"code":"invalid_api_key","message":"Invalid API key"}}';

function appWith(auth: RequestHandler, errorHandler?: ErrorRequestHandler) {
  const app = express();
  const seen: unknown[] = [];
  app.get('/', auth, (req, res) => {
    seen.push(req.apiKey);
    res.json({ apiKey: req.apiKey ?? null });
  });
  if (errorHandler) app.use(errorHandler);
  return { app, seen };
}

describe('apiKeyAuth (express)', () => {
  it('throws at setup without a store, naming the option', () => {
    expect(() => apiKeyAuth({} as ApiKeyAuthOptions)).toThrow(/@keyward\/express: options\.store/);
    expect(() => apiKeyAuth(undefined as unknown as ApiKeyAuthOptions)).toThrow(/options are required/);
  });

  it('throws at setup for a bad header, scopes, failureLimit or onError', () => {
    const store = new MemoryKeyStore();
    expect(() => apiKeyAuth({ store, header: 'x api key' })).toThrow(/options\.header/);
    expect(() => apiKeyAuth({ store, scopes: [''] })).toThrow(/options\.scopes/);
    expect(() => apiKeyAuth({ store, failureLimit: { max: 1, windowMs: -1 } })).toThrow(/failureLimit\.windowMs/);
    expect(() => apiKeyAuth({ store, onError: {} as never })).toThrow(/options\.onError/);
  });

  it('attaches the context, never the key', async () => {
    const store = new MemoryKeyStore();
    const { key, apiKey } = await store.create({ ...base, name: 'ci', scopes: ['a'] });
    const { app, seen } = appWith(apiKeyAuth({ store }));
    const response = await supertest(app).get('/').set('x-api-key', key);
    expect(response.status).toBe(200);
    expect(seen).toEqual([
      { keyId: apiKey.id, tenantId: 't_1', environmentId: 'prod', userId: 'u_1', scopes: ['a'], name: 'ci' },
    ]);
    expect(JSON.stringify(seen)).not.toContain(key);
  });

  it('lets onError pass the refused request on with next() when the author decides so', async () => {
    const { app, seen } = appWith(
      apiKeyAuth({ store: new MemoryKeyStore(), onError: (_err, _req, _res, next) => next() }),
    );
    const response = await supertest(app).get('/').set('x-api-key', 'wrong');
    expect(response.status).toBe(200);
    expect(response.text).toBe('{"apiKey":null}');
    expect(seen).toEqual([undefined]);
  });

  it("lets onError hand the ApiKeyError to the app's error handler with next(err)", async () => {
    const codes: string[] = [];
    const { app, seen } = appWith(
      apiKeyAuth({ store: new MemoryKeyStore(), onError: (err, _req, _res, next) => next(err) }),
      (err, _req, res, _next) => {
        codes.push(isApiKeyError(err) ? err.code : 'other');
        res.status(isApiKeyError(err) ? err.status : 500).json({ handled: true });
      },
    );
    const response = await supertest(app).get('/').set('x-api-key', 'wrong');
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ handled: true });
    expect(codes).toEqual(['invalid_api_key']);
    expect(seen).toEqual([]);
  });

  it('sends an onError that throws (or rejects) to next(err), not to an unhandled rejection', async () => {
    const errors: unknown[] = [];
    const { app, seen } = appWith(
      apiKeyAuth({
        store: new MemoryKeyStore(),
        onError: async () => {
          throw new Error('renderer broke');
        },
      }),
      (err, _req, res, _next) => {
        errors.push(err);
        res.status(500).end();
      },
    );
    const response = await supertest(app).get('/').set('x-api-key', 'wrong');
    expect(response.status).toBe(500);
    expect((errors[0] as Error).message).toBe('renderer broke');
    expect(seen).toEqual([]);
  });

  it('counts failures per req.ip: x-forwarded-for is ignored unless trust proxy is set', async () => {
    const { app } = appWith(apiKeyAuth({ store: new MemoryKeyStore(), failureLimit: { max: 2, windowMs: 60_000 } }));
    for (const address of ['198.51.100.1', '198.51.100.2']) {
      const response = await supertest(app).get('/').set('x-api-key', 'wrong').set('x-forwarded-for', address);
      expect(response.text).toBe(INVALID);
    }
    const third = await supertest(app).get('/').set('x-forwarded-for', '198.51.100.3');
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toMatch(/^\d+$/);
  });
});

import { MemoryKeyStore } from '@keyward/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiKeyError, apiKeyAuth, apiKeyErrorHandler, getApiKey } from './index.js';

const apps: FastifyInstance[] = [];
function app(): FastifyInstance {
  const instance = Fastify();
  apps.push(instance);
  return instance;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.close()));
});

describe('apiKeyErrorHandler (fastify)', () => {
  it('renders an ApiKeyError thrown by a route or a hook, Retry-After included', async () => {
    const a = app();
    a.setErrorHandler(apiKeyErrorHandler());
    a.get('/route', async () => {
      throw new ApiKeyError('not_found');
    });
    a.get(
      '/hook',
      { preHandler: async () => Promise.reject(new ApiKeyError('too_many_requests', { retryAfterSeconds: 7 })) },
      async () => 'x',
    );
    const route = await a.inject({ url: '/route' });
    expect(route.statusCode).toBe(404);
    expect(route.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(route.body).toBe('{"error":{"code":"not_found","message":"Not found"}}');
    const hook = await a.inject({ url: '/hook' });
    expect(hook.statusCode).toBe(429);
    expect(hook.headers['retry-after']).toBe('7');
    expect(hook.body).toBe(
      '{"error":{"code":"too_many_requests","message":"Too many failed authentication attempts"}}',
    );
  });

  it("renders getApiKey's refusal behind an optional guard as the guard renders its own", async () => {
    const a = app();
    a.setErrorHandler(apiKeyErrorHandler());
    await a.register(apiKeyAuth, { store: new MemoryKeyStore(), optional: true });
    a.get('/me', async (request) => ({ tenant: getApiKey(request).tenantId }));
    const response = await a.inject({ url: '/me' });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe('{"error":{"code":"missing_api_key","message":"Missing API key"}}');
  });

  it("throws any other error on to the parent scope's error handler, untouched", async () => {
    const a = app();
    const boom = new Error('boom');
    const seen: unknown[] = [];
    a.setErrorHandler((err, _request, reply) => {
      seen.push(err);
      return reply.code(500).send('handled by the parent');
    });
    await a.register(async (child) => {
      child.setErrorHandler(apiKeyErrorHandler());
      child.get('/', async () => {
        throw boom;
      });
    });
    const response = await a.inject({ url: '/' });
    expect(response.statusCode).toBe(500);
    expect(response.body).toBe('handled by the parent');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBe(boom);
  });

  it("leaves any other error to Fastify's default handler when no parent has one", async () => {
    const a = app();
    a.setErrorHandler(apiKeyErrorHandler());
    a.get('/', async () => {
      throw Object.assign(new Error('teapot'), { statusCode: 418 });
    });
    const response = await a.inject({ url: '/' });
    expect(response.statusCode).toBe(418);
    expect(response.json()).toEqual({ statusCode: 418, error: "I'm a Teapot", message: 'teapot' });
  });
});

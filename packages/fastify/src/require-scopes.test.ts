import { MemoryKeyStore } from '@keyward/core';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { apiKeyAuth, requireScopes } from './index.js';

describe('requireScopes (fastify)', () => {
  it('refuses bad scopes at setup', () => {
    expect(() => requireScopes('')).toThrow(
      /^@keyward\/fastify: requireScopes: scopes must be an array of non-empty scope strings$/,
    );
  });

  it('answers 401 missing_api_key on a route with no context, without the plugin', async () => {
    const app = Fastify();
    app.decorateRequest('apiKey', null);
    let reached = false;
    app.get('/', { preHandler: requireScopes('a') }, async () => {
      reached = true;
      return 'reached';
    });
    const response = await app.inject({ url: '/' });
    expect(response.statusCode).toBe(401);
    expect(response.body).toBe('{"error":{"code":"missing_api_key","message":"Missing API key"}}');
    expect(reached).toBe(false);
  });

  it('lets a key holding every scope through and names the missing ones otherwise', async () => {
    const store = new MemoryKeyStore();
    const scope = { tenantId: 't', environmentId: 'e' };
    const both = await store.create({ ...scope, name: 'both', scopes: ['a', 'b'] });
    const one = await store.create({ ...scope, name: 'one', scopes: ['a'] });
    const app = Fastify();
    await app.register(apiKeyAuth, { store });
    app.get('/', { preHandler: requireScopes('a', 'b') }, async () => 'reached');
    expect((await app.inject({ url: '/', headers: { 'x-api-key': both.key } })).body).toBe('reached');
    const refused = await app.inject({ url: '/', headers: { 'x-api-key': one.key } });
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toEqual({ error: { code: 'insufficient_scope', message: 'API key lacks the scope: b' } });
    await app.close();
  });
});

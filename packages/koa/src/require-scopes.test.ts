import { MemoryKeyStore } from '@keyward/core';
import Koa from 'koa';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { type ApiKeyState, apiKeyAuth, requireScopes } from './index.js';

describe('requireScopes (koa)', () => {
  it('refuses bad scopes at setup', () => {
    expect(() => requireScopes('')).toThrow(
      /^@keyward\/koa: requireScopes: scopes must be an array of non-empty scope strings$/,
    );
  });

  it('answers 401 missing_api_key when no guard ran', async () => {
    const app = new Koa<ApiKeyState>();
    let reached = false;
    app.use(requireScopes('a'));
    app.use((ctx) => {
      reached = true;
      ctx.body = 'reached';
    });
    const response = await supertest(app.callback()).get('/');
    expect(response.status).toBe(401);
    expect(response.text).toBe('{"error":{"code":"missing_api_key","message":"Missing API key"}}');
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(reached).toBe(false);
  });

  it('needs every scope and names the missing ones', async () => {
    const store = new MemoryKeyStore();
    const scope = { tenantId: 't', environmentId: 'e' };
    const both = await store.create({ ...scope, name: 'both', scopes: ['a', 'b'] });
    const one = await store.create({ ...scope, name: 'one', scopes: ['a'] });
    const app = new Koa<ApiKeyState>();
    app.use(apiKeyAuth({ store }));
    app.use(requireScopes('a', 'b'));
    app.use((ctx) => {
      ctx.body = 'reached';
    });
    const request = supertest(app.callback());
    expect((await request.get('/').set('x-api-key', both.key)).text).toBe('reached');
    const refused = await request.get('/').set('x-api-key', one.key);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: { code: 'insufficient_scope', message: 'API key lacks the scope: b' } });
  });
});

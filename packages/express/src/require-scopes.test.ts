import { MemoryKeyStore } from '@keyward/core';
import express from 'express';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiKeyAuth, requireScopes } from './index.js';

describe('requireScopes (express)', () => {
  it('refuses bad scopes at setup', () => {
    expect(() => requireScopes('two words')).toThrow(
      /^@keyward\/express: requireScopes: scopes must be an array of non-empty scope strings$/,
    );
  });

  it('answers 401 missing_api_key when no guard ran', async () => {
    const app = express();
    let reached = false;
    app.get('/', requireScopes('a'), (_req, res) => {
      reached = true;
      res.end();
    });
    const response = await supertest(app).get('/');
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
    const app = express();
    app.get('/', apiKeyAuth({ store }), requireScopes('a', 'b'), (_req, res) => {
      res.send('reached');
    });
    expect((await supertest(app).get('/').set('x-api-key', both.key)).text).toBe('reached');
    const refused = await supertest(app).get('/').set('x-api-key', one.key);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ error: { code: 'insufficient_scope', message: 'API key lacks the scope: b' } });
  });
});

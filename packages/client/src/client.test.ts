import { ERROR_CODES } from '@keyward/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CAMEL_DELIVERY,
  CAMEL_ENDPOINT,
  CAMEL_KEY,
  errorBody,
  failure,
  JSON_HEADERS,
  KEY,
  ORIGIN,
  setup,
  TOKEN,
  trackAgents,
  WEBHOOK_SECRET,
  WIRE_CREATED_SESSION,
  WIRE_DELIVERY,
  WIRE_ENDPOINT,
  WIRE_KEY,
} from '../test/helpers.js';
import { createClient, KeywardClient } from './client.js';

const track = trackAgents();
afterEach(() => {
  vi.unstubAllEnvs();
});

const ME = {
  key_id: 'key_1',
  tenant_id: 'tenant_dev',
  environment_id: 'env_dev',
  user_id: null,
  scopes: ['*'],
  name: 'dev',
};

describe('headers', () => {
  it('sends X-API-Key, Accept and a keyward User-Agent, and no X-Environment-ID unless asked', async () => {
    const { client, reply, seen } = track(setup());
    reply('GET', '/v1/me', 200, ME);
    await client.me();
    expect(seen[0]!.headers['x-api-key']).toBe(KEY);
    expect(seen[0]!.headers.accept).toBe('application/json');
    expect(seen[0]!.headers['user-agent']).toMatch(/^keyward-client\/\d+\.\d+\.\d+\S* node\/\d+/);
    expect(seen[0]!.headers).not.toHaveProperty('x-environment-id');
  });

  it('sends X-Environment-ID and a custom User-Agent when configured', async () => {
    const { client, reply, seen } = track(setup({ environmentId: 'env_prod', userAgent: 'billing/1.2' }));
    reply('GET', '/v1/me', 200, ME);
    await client.me();
    expect(seen[0]!.headers['x-environment-id']).toBe('env_prod');
    expect(seen[0]!.headers['user-agent']).toBe('billing/1.2');
  });

  it('passes extra headers but refuses one that would replace the key', async () => {
    const { client, reply, seen } = track(setup());
    reply('GET', '/v1/other', 200, {});
    await client.request({ method: 'GET', path: '/v1/other', headers: { 'X-Trace': 't1' } });
    expect(seen[0]!.headers['x-trace']).toBe('t1');
    await expect(
      client.request({ method: 'GET', path: '/v1/other', headers: { 'X-Api-Key': 'f'.repeat(64) } }),
    ).rejects.toThrow(TypeError);
  });
});

describe('responses', () => {
  it('me() camelCases the context', async () => {
    const { client, reply } = track(setup());
    reply('GET', '/v1/me', 200, ME);
    await expect(client.me()).resolves.toEqual({
      keyId: 'key_1',
      tenantId: 'tenant_dev',
      environmentId: 'env_dev',
      userId: null,
      scopes: ['*'],
      name: 'dev',
    });
  });

  it('request() sends a snake_case JSON body with its content type and returns a camelCased body', async () => {
    const { client, reply, seen } = track(setup());
    reply('POST', '/v1/portal/sessions', 201, { token: 't', expires_at: '2030-01-01T00:00:00.000Z' });
    const out = await client.request({
      method: 'post',
      path: '/v1/portal/sessions',
      body: { customerId: 'cus_1', ttlSeconds: 60 },
    });
    expect(out).toEqual({ token: 't', expiresAt: '2030-01-01T00:00:00.000Z' });
    expect(seen[0]!.method).toBe('POST');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]!.body!)).toEqual({ customer_id: 'cus_1', ttl_seconds: 60 });
  });

  it('request() builds the query string, leaving out undefined and null', async () => {
    const { client, reply } = track(setup());
    reply('GET', '/v1/things?a=1&b=x&c=1&c=2', 200, []);
    await expect(
      client.request({ method: 'GET', path: '/v1/things', query: { a: 1, b: 'x', c: [1, 2], d: undefined, e: null } }),
    ).resolves.toEqual([]);
  });

  it('returns undefined for an empty body', async () => {
    const { client, reply } = track(setup());
    reply('DELETE', '/v1/things/1', 204, undefined, {});
    await expect(client.request({ method: 'DELETE', path: '/v1/things/1' })).resolves.toBeUndefined();
  });

  it.each([
    ['not JSON', 'oops <html>'],
    ['truncated JSON', '{"key_id":"k'],
  ])('a 200 with %s is invalid_response with the status', async (_, body) => {
    const { client, reply } = track(setup());
    reply('GET', '/v1/me', 200, body, { 'x-request-id': 'req_9' });
    const err = await failure(client.me());
    expect(err.code).toBe('invalid_response');
    expect(err.status).toBe(200);
    expect(err.requestId).toBe('req_9');
  });

  it('a body of the wrong shape for a typed call is invalid_response', async () => {
    const { client, reply } = track(setup());
    reply('GET', '/v1/me', 200, [1, 2]);
    expect((await failure(client.me())).code).toBe('invalid_response');
  });

  it('a redirect is not followed: invalid_response with its status', async () => {
    const { client, reply, seen } = track(setup());
    reply('GET', '/v1/me', 302, undefined, { location: 'http://evil.example/steal' });
    const err = await failure(client.me());
    expect(err.code).toBe('invalid_response');
    expect(err.status).toBe(302);
    expect(seen).toHaveLength(1);
  });
});

describe('error mapping', () => {
  it.each(Object.entries(ERROR_CODES))(
    '%s → KeywardError with the code, status, message and request id',
    async (code, entry) => {
      const { client, reply } = track(setup({ retries: 0 }));
      reply('GET', '/v1/me', entry.status, errorBody(code, entry.message), {
        ...JSON_HEADERS,
        'x-request-id': `req_${code}`,
      });
      const err = await failure(client.me());
      expect(err.code).toBe(code);
      expect(err.status).toBe(entry.status);
      expect(err.message).toBe(entry.message);
      expect(err.requestId).toBe(`req_${code}`);
      expect(err.request).toEqual({ method: 'GET', url: `${ORIGIN}/v1/me` });
    },
  );

  it('passes through a code this client version does not know', async () => {
    const { client, reply } = track(setup({ retries: 0 }));
    reply('GET', '/v1/me', 402, errorBody('payment_required', 'Pay up'));
    const err = await failure(client.me());
    expect(err.code).toBe('payment_required');
    expect(err.status).toBe(402);
  });

  it('an error status without a keyward body is invalid_response with the status', async () => {
    const { client, reply } = track(setup({ retries: 0 }));
    reply('GET', '/v1/me', 500, '<h1>Internal</h1>', { 'content-type': 'text/html' });
    const err = await failure(client.me());
    expect(err.code).toBe('invalid_response');
    expect(err.status).toBe(500);
  });

  it('a connection failure is network_error with status 0', async () => {
    const { client, pool } = track(setup({ retries: 0 }));
    pool.intercept({ method: 'GET', path: '/v1/me' }).replyWithError(new Error('ECONNRESET'));
    const err = await failure(client.me());
    expect(err.code).toBe('network_error');
    expect(err.status).toBe(0);
    expect((err.cause as Error).message).toBe('ECONNRESET');
  });

  it('a response slower than timeoutMs is timeout', async () => {
    const { client, pool } = track(setup({ retries: 0, timeoutMs: 20 }));
    pool.intercept({ method: 'GET', path: '/v1/me' }).reply(200, ME).delay(60_000);
    const err = await failure(client.me());
    expect(err.code).toBe('timeout');
    expect(err.status).toBe(0);
  });

  it('a per-call timeoutMs overrides the client one', async () => {
    const { client, pool } = track(setup({ retries: 0 }));
    pool.intercept({ method: 'GET', path: '/v1/me' }).reply(200, ME).delay(60_000);
    expect((await failure(client.me({ timeoutMs: 20 }))).code).toBe('timeout');
  });

  it("the caller's signal aborts the request: aborted", async () => {
    const { client, pool } = track(setup());
    pool.intercept({ method: 'GET', path: '/v1/me' }).reply(200, ME).delay(60_000);
    const controller = new AbortController();
    const pending = client.me({ signal: controller.signal });
    setTimeout(() => controller.abort(), 10);
    expect((await failure(pending)).code).toBe('aborted');
  });
});

describe('the API key', () => {
  it('missing: missing_api_key at the first call, nothing sent', async () => {
    vi.stubEnv('KEYWARD_API_KEY', undefined);
    const { client } = track(setup({ apiKey: undefined }));
    const err = await failure(client.me());
    expect(err.code).toBe('missing_api_key');
    expect(err.status).toBe(0);
    expect(err.message).toMatch(/KEYWARD_API_KEY/);
  });

  it('defaults to KEYWARD_API_KEY', async () => {
    vi.stubEnv('KEYWARD_API_KEY', 'e'.repeat(64));
    const { client, reply, seen } = track(setup({ apiKey: undefined }));
    reply('GET', '/v1/me', 200, ME);
    await client.me();
    expect(seen[0]!.headers['x-api-key']).toBe('e'.repeat(64));
  });

  it.each(['short', 'A'.repeat(64), ` ${KEY}`, `${KEY}\n`])(
    'not 64 lowercase hex (%j): invalid_api_key, nothing sent',
    async (apiKey) => {
      const { client } = track(setup({ apiKey }));
      const err = await failure(client.me());
      expect(err.code).toBe('invalid_api_key');
      expect(err.message).not.toContain(apiKey.trim());
    },
  );

  it('a sync provider is asked on every call, so a rotated key is used from the next call', async () => {
    const keys = ['1'.repeat(64), '2'.repeat(64)];
    let calls = 0;
    const { client, reply, seen } = track(setup({ apiKey: () => keys[Math.min(calls++, 1)]! }));
    reply('GET', '/v1/me', 200, ME, JSON_HEADERS, 2);
    await client.me();
    await client.me();
    expect(seen.map((s) => s.headers['x-api-key'])).toEqual(keys);
  });

  it('an async provider is awaited', async () => {
    const { client, reply, seen } = track(setup({ apiKey: async () => KEY }));
    reply('GET', '/v1/me', 200, ME);
    await client.me();
    expect(seen[0]!.headers['x-api-key']).toBe(KEY);
  });

  it('a provider that throws or rejects: missing_api_key with the cause, nothing sent', async () => {
    const boom = new Error('vault sealed');
    for (const apiKey of [
      () => {
        throw boom;
      },
      async () => Promise.reject(boom),
    ]) {
      const { client } = track(setup({ apiKey }));
      const err = await failure(client.me());
      expect(err.code).toBe('missing_api_key');
      expect((err.cause as Error).message).toBe('vault sealed');
    }
  });

  it('a session token given as apiKey: invalid_api_key naming createPortalClient, nothing sent, the token not quoted', async () => {
    for (const apiKey of [TOKEN, () => TOKEN]) {
      const { client, seen } = track(setup({ apiKey }));
      const err = await failure(client.me());
      expect(err.code).toBe('invalid_api_key');
      expect(err.status).toBe(0);
      expect(err.message).toBe(
        'The API key is a portal session token; send tokens with createPortalClient({ token }); no request was sent',
      );
      expect(JSON.stringify(err)).not.toContain(TOKEN);
      expect(seen).toHaveLength(0);
    }
  });

  it('a provider that gives a non-key: missing_api_key for empty, invalid_api_key otherwise', async () => {
    const { client: empty } = track(setup({ apiKey: () => '' }));
    expect((await failure(empty.me())).code).toBe('missing_api_key');
    const { client: bad } = track(setup({ apiKey: (() => 42) as unknown as () => string }));
    expect((await failure(bad.me())).code).toBe('invalid_api_key');
  });
});

describe('request() paths', () => {
  it('keeps the key on the base origin: another origin or a protocol-relative path is refused', async () => {
    const { client } = track(setup());
    for (const path of [
      'http://evil.example/x',
      'https://127.0.0.1:3000/x',
      '//evil.example/x',
      '\\\\evil.example/x',
    ]) {
      await expect(client.request({ method: 'GET', path })).rejects.toThrow(/relative to baseUrl|not a valid URL/);
    }
  });

  it('accepts an absolute URL of the same origin, and a path without a leading slash', async () => {
    const { client, reply } = track(setup());
    reply('GET', '/v1/a', 200, { ok: 1 });
    reply('GET', '/v1/b', 200, { ok: 2 });
    await expect(client.request({ method: 'GET', path: `${ORIGIN}/v1/a` })).resolves.toEqual({ ok: 1 });
    await expect(client.request({ method: 'GET', path: 'v1/b' })).resolves.toEqual({ ok: 2 });
  });

  it('puts request paths under a baseUrl path prefix', async () => {
    const { client, pool } = track(setup({ baseUrl: `${ORIGIN}/keyward/` }));
    pool.intercept({ method: 'GET', path: '/keyward/v1/me' }).reply(200, ME);
    await expect(client.me()).resolves.toMatchObject({ keyId: 'key_1' });
  });

  it.each([
    [{ method: 'GET', path: '' }],
    [{ method: 'G T', path: '/x' }],
    [{ method: 'GET', path: '/x', headers: { 'x-a': 'a\r\nb' } }],
    [{ method: 'GET', path: '/x', timeoutMs: -1 }],
  ])('refuses bad input %j with a TypeError', async (input) => {
    const { client } = track(setup());
    await expect(client.request(input)).rejects.toThrow(TypeError);
  });
});

describe('argument errors', () => {
  // A TypeError says the package and the public call that was misused, whichever resource the
  // request went through: the transport is shared, the name is the caller's.
  it.each([
    ['request: input must be an object', (c: KeywardClient) => c.request(null as never)],
    ['request: method must be an HTTP method', (c: KeywardClient) => c.request({ method: 'G T', path: '/x' })],
    ['request: path must be a non-empty string', (c: KeywardClient) => c.request({ method: 'GET', path: '' })],
    [
      'request: path must be relative to baseUrl; the API key is never sent to http://evil.example',
      (c: KeywardClient) => c.request({ method: 'GET', path: 'http://evil.example/x' }),
    ],
    [
      'request: query must be an object',
      (c: KeywardClient) => c.request({ method: 'GET', path: '/x', query: 'a=1' as never }),
    ],
    [
      'request: headers must be an object of strings',
      (c: KeywardClient) => c.request({ method: 'GET', path: '/x', headers: 'x' as never }),
    ],
    [
      'request: headers: "a b" is not a header name',
      (c: KeywardClient) => c.request({ method: 'GET', path: '/x', headers: { 'a b': 'x' } }),
    ],
    [
      'request: headers cannot set X-API-Key; the client sends its own key',
      (c: KeywardClient) => c.request({ method: 'GET', path: '/x', headers: { 'X-Api-Key': 'f'.repeat(64) } }),
    ],
    [
      'request: headers cannot set X-Session-Token; session tokens are sent by createPortalClient',
      (c: KeywardClient) => c.request({ method: 'GET', path: '/x', headers: { 'X-Session-Token': TOKEN } }),
    ],
    [
      'request: header x-a must be a string without control characters',
      (c: KeywardClient) => c.request({ method: 'GET', path: '/x', headers: { 'x-a': 'a\r\nb' } }),
    ],
    [
      'request: timeoutMs must be a number > 0',
      (c: KeywardClient) => c.request({ method: 'GET', path: '/x', timeoutMs: -1 }),
    ],
    [
      'request: signal must be an AbortSignal',
      (c: KeywardClient) => c.request({ method: 'GET', path: '/x', signal: {} as never }),
    ],
    ['me: timeoutMs must be a number > 0', (c: KeywardClient) => c.me({ timeoutMs: 0 })],
    ['keys.list: input must be an object', (c: KeywardClient) => c.keys.list(null as never)],
    ['keys.list: timeoutMs must be a number > 0', (c: KeywardClient) => c.keys.list({}, { timeoutMs: -1 })],
    ['keys.create: input must be an object with a name', (c: KeywardClient) => c.keys.create('ci' as never)],
    [
      'keys.create: expiresAt is an invalid Date',
      (c: KeywardClient) => c.keys.create({ name: 'ci', expiresAt: new Date(Number.NaN) }),
    ],
    [
      'keys.create: expiresAt must be a Date, an ISO 8601 string or null',
      (c: KeywardClient) => c.keys.create({ name: 'ci', expiresAt: 5 as never }),
    ],
    ['keys.get: id must be a non-empty string', (c: KeywardClient) => c.keys.get('')],
    ['keys.update: id must be a non-empty string', (c: KeywardClient) => c.keys.update(42 as never, {})],
    ['keys.update: input must be an object', (c: KeywardClient) => c.keys.update('k1', [] as never)],
    ['keys.revoke: id must be a non-empty string', (c: KeywardClient) => c.keys.revoke('')],
    ['keys.rotate: id must be a non-empty string', (c: KeywardClient) => c.keys.rotate('')],
    ['keys.rotate: input must be an object', (c: KeywardClient) => c.keys.rotate('k1', 'x' as never)],
    [
      'keys.get: id must be an id, not a key, session token or webhook secret; nothing was sent',
      (c: KeywardClient) => c.keys.get(KEY),
    ],
    [
      'portal.createSession: input must be an object with a customerId',
      (c: KeywardClient) => c.portal.createSession('cus_42' as never),
    ],
    [
      'portal.createSession: timeoutMs must be a number > 0',
      (c: KeywardClient) => c.portal.createSession({ customerId: 'cus_42' }, { timeoutMs: 0 }),
    ],
    ['portal.revokeSession: id must be a non-empty string', (c: KeywardClient) => c.portal.revokeSession('')],
    [
      'portal.revokeSession: id must be an id, not a key, session token or webhook secret; nothing was sent',
      (c: KeywardClient) => c.portal.revokeSession(TOKEN),
    ],
    [
      'webhooks.createEndpoint: input must be an object',
      (c: KeywardClient) => c.webhooks.createEndpoint(null as never),
    ],
    [
      'webhooks.listEndpoints: signal must be an AbortSignal',
      (c: KeywardClient) => c.webhooks.listEndpoints({ signal: 'x' as never }),
    ],
    ['webhooks.deleteEndpoint: id must be a non-empty string', (c: KeywardClient) => c.webhooks.deleteEndpoint('')],
    ['webhooks.rotateSecret: id must be a non-empty string', (c: KeywardClient) => c.webhooks.rotateSecret(7 as never)],
    [
      'webhooks.rotateSecret: input must be an object',
      (c: KeywardClient) => c.webhooks.rotateSecret('whe_1', [] as never),
    ],
    [
      'webhooks.rotateSecret: id must be an id, not a key, session token or webhook secret; nothing was sent',
      (c: KeywardClient) => c.webhooks.rotateSecret(WEBHOOK_SECRET),
    ],
    ['webhooks.listDeliveries: id must be a non-empty string', (c: KeywardClient) => c.webhooks.listDeliveries('')],
    [
      'webhooks.listDeliveries: input must be an object',
      (c: KeywardClient) => c.webhooks.listDeliveries('whe_1', 'limit=1' as never),
    ],
  ])('@keyward/client: %s', async (message, call) => {
    const { client } = track(setup());
    await expect(call(client)).rejects.toThrow(new TypeError(`@keyward/client: ${message}`));
  });
});

describe('keys', () => {
  it('list sends limit and offset and camelCases the page', async () => {
    const { client, reply } = track(setup());
    reply('GET', '/v1/secrets/api/keys?limit=10&offset=20', 200, {
      items: [WIRE_KEY],
      pagination: { total: 21, limit: 10, offset: 20 },
    });
    await expect(client.keys.list({ limit: 10, offset: 20 })).resolves.toEqual({
      items: [CAMEL_KEY],
      pagination: { total: 21, limit: 10, offset: 20 },
    });
  });

  it('list without input sends no query', async () => {
    const { client, reply } = track(setup());
    reply('GET', '/v1/secrets/api/keys', 200, { items: [], pagination: { total: 0, limit: 50, offset: 0 } });
    await expect(client.keys.list()).resolves.toMatchObject({ items: [] });
  });

  it('create sends a snake_case body and maps api_key/secret to key/apiKey', async () => {
    const { client, reply, seen } = track(setup());
    const plaintext = 'c'.repeat(64);
    reply('POST', '/v1/secrets/api/keys', 201, { api_key: plaintext, secret: WIRE_KEY });
    const created = await client.keys.create({
      name: 'ci',
      scopes: ['keys:read'],
      expiresAt: new Date('2031-01-01T00:00:00.000Z'),
    });
    expect(created).toEqual({ key: plaintext, apiKey: CAMEL_KEY });
    expect(JSON.parse(seen[0]!.body!)).toEqual({
      name: 'ci',
      scopes: ['keys:read'],
      expires_at: '2031-01-01T00:00:00.000Z',
    });
  });

  it('get, update, revoke and rotate hit the right routes with the right bodies', async () => {
    const { client, reply, seen } = track(setup());
    const id = WIRE_KEY.id;
    reply('GET', `/v1/secrets/api/keys/${id}`, 200, WIRE_KEY);
    reply('PATCH', `/v1/secrets/api/keys/${id}`, 200, { ...WIRE_KEY, status: 'inactive' });
    reply('DELETE', `/v1/secrets/api/keys/${id}`, 204, undefined, {});
    reply('POST', `/v1/secrets/api/keys/${id}/rotate`, 201, { api_key: 'd'.repeat(64), secret: WIRE_KEY });

    await expect(client.keys.get(id)).resolves.toEqual(CAMEL_KEY);
    await expect(client.keys.update(id, { active: false })).resolves.toMatchObject({ status: 'inactive' });
    await expect(client.keys.revoke(id)).resolves.toBeUndefined();
    await expect(client.keys.rotate(id, { gracePeriodSeconds: 300 })).resolves.toEqual({
      key: 'd'.repeat(64),
      apiKey: CAMEL_KEY,
    });

    expect(JSON.parse(seen[1]!.body!)).toEqual({ active: false });
    expect(seen[2]!.body).toBeUndefined();
    expect(JSON.parse(seen[3]!.body!)).toEqual({ grace_period_seconds: 300 });
  });

  it('escapes ids in the path and refuses empty ones', async () => {
    const { client, reply } = track(setup());
    reply('GET', '/v1/secrets/api/keys/a%2F..%2Fb', 404, errorBody('not_found', 'Not found'));
    expect((await failure(client.keys.get('a/../b'))).code).toBe('not_found');
    await expect(client.keys.get('')).rejects.toThrow(TypeError);
  });
});

describe('portal', () => {
  it('createSession sends a snake_case body with the key and camelCases the token, id and end', async () => {
    const { client, reply, seen } = track(setup());
    reply('POST', '/v1/portal/sessions', 201, WIRE_CREATED_SESSION);
    await expect(client.portal.createSession({ customerId: 'cus_42', ttlSeconds: 900 })).resolves.toEqual({
      token: TOKEN,
      sessionId: WIRE_CREATED_SESSION.session_id,
      expiresAt: WIRE_CREATED_SESSION.expires_at,
    });
    expect(seen[0]!.headers['x-api-key']).toBe(KEY);
    expect(seen[0]!.headers).not.toHaveProperty('x-session-token');
    expect(seen[0]!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen[0]!.body!)).toEqual({ customer_id: 'cus_42', ttl_seconds: 900 });
  });

  it('createSession without ttlSeconds leaves it to the server, and is never retried', async () => {
    const { client, reply, seen } = track(setup());
    reply('POST', '/v1/portal/sessions', 503, errorBody('auth_unavailable'));
    expect((await failure(client.portal.createSession({ customerId: 'cus_42' }))).code).toBe('auth_unavailable');
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0]!.body!)).toEqual({ customer_id: 'cus_42' });
  });

  it('createSession: a key without portal:write is insufficient_scope; a 201 without a token is invalid_response', async () => {
    const { client, reply } = track(setup());
    reply('POST', '/v1/portal/sessions', 403, errorBody('insufficient_scope', 'Insufficient scope'));
    reply('POST', '/v1/portal/sessions', 201, { session_id: 'ses_1', expires_at: '2030-01-01T00:00:00.000Z' });
    const scope = await failure(client.portal.createSession({ customerId: 'cus_42' }));
    expect([scope.code, scope.status]).toEqual(['insufficient_scope', 403]);
    const shape = await failure(client.portal.createSession({ customerId: 'cus_42' }));
    expect([shape.code, shape.status]).toEqual(['invalid_response', 201]);
  });

  it('revokeSession deletes the escaped id; another tenant’s session is not_found', async () => {
    const { client, reply, seen } = track(setup());
    reply('DELETE', '/v1/portal/sessions/ses_1', 204, undefined, {});
    reply('DELETE', '/v1/portal/sessions/ses%2Fx', 404, errorBody('not_found', 'Not found'));
    await expect(client.portal.revokeSession('ses_1')).resolves.toBeUndefined();
    expect(seen[0]!.headers['x-api-key']).toBe(KEY);
    expect(seen[0]!.body).toBeUndefined();
    const err = await failure(client.portal.revokeSession('ses/x'));
    expect([err.code, err.status]).toEqual(['not_found', 404]);
    expect(err.request).toEqual({ method: 'DELETE', url: `${ORIGIN}/v1/portal/sessions/ses%2Fx` });
  });
});

describe('webhooks', () => {
  const ID = WIRE_ENDPOINT.id;
  const CREATED = { ...WIRE_ENDPOINT, secret: WEBHOOK_SECRET };

  it('createEndpoint sends name and tolerance in snake_case and hands back the record with its secret', async () => {
    const { client, reply, seen } = track(setup());
    reply('POST', '/v1/webhooks/endpoints', 201, CREATED);
    await expect(client.webhooks.createEndpoint({ name: 'billing', toleranceSeconds: 300 })).resolves.toEqual({
      ...CAMEL_ENDPOINT,
      secret: WEBHOOK_SECRET,
    });
    expect(seen[0]!.headers['x-api-key']).toBe(KEY);
    expect(JSON.parse(seen[0]!.body!)).toEqual({ name: 'billing', tolerance_seconds: 300 });
  });

  it('createEndpoint without input sends an empty object, and is never retried', async () => {
    const { client, reply, seen } = track(setup());
    reply('POST', '/v1/webhooks/endpoints', 502, errorBody('internal_error'));
    expect((await failure(client.webhooks.createEndpoint())).status).toBe(502);
    expect(seen).toHaveLength(1);
    expect(JSON.parse(seen[0]!.body!)).toEqual({});
  });

  it('listEndpoints camelCases the items', async () => {
    const { client, reply } = track(setup());
    reply('GET', '/v1/webhooks/endpoints', 200, {
      items: [WIRE_ENDPOINT, { ...WIRE_ENDPOINT, id: 'whe_2', name: null }],
    });
    await expect(client.webhooks.listEndpoints()).resolves.toEqual({
      items: [CAMEL_ENDPOINT, { ...CAMEL_ENDPOINT, id: 'whe_2', name: null }],
    });
  });

  it('deleteEndpoint is a DELETE of the endpoint, retried like every DELETE', async () => {
    const { client, reply, seen } = track(setup());
    reply('DELETE', `/v1/webhooks/endpoints/${ID}`, 503, errorBody('auth_unavailable'));
    reply('DELETE', `/v1/webhooks/endpoints/${ID}`, 204, undefined, {});
    await expect(client.webhooks.deleteEndpoint(ID)).resolves.toBeUndefined();
    expect(seen).toHaveLength(2);
  });

  it('rotateSecret posts the grace period and hands back the new secret', async () => {
    const { client, reply, seen } = track(setup());
    const rotated = { ...CREATED, secret: `whsec_${Buffer.alloc(32, 9).toString('base64')}` };
    reply('POST', `/v1/webhooks/endpoints/${ID}/rotate-secret`, 201, rotated);
    await expect(client.webhooks.rotateSecret(ID, { gracePeriodSeconds: 3600 })).resolves.toEqual({
      ...CAMEL_ENDPOINT,
      secret: rotated.secret,
    });
    expect(JSON.parse(seen[0]!.body!)).toEqual({ grace_period_seconds: 3600 });
  });

  it('listDeliveries sends limit and offset and camelCases the page', async () => {
    const { client, reply } = track(setup());
    const page = { items: [WIRE_DELIVERY], pagination: { total: 11, limit: 10, offset: 10 } };
    reply('GET', `/v1/webhooks/endpoints/${ID}/deliveries?limit=10&offset=10`, 200, page);
    reply('GET', `/v1/webhooks/endpoints/${ID}/deliveries`, 200, { ...page, items: [] });
    await expect(client.webhooks.listDeliveries(ID, { limit: 10, offset: 10 })).resolves.toEqual({
      items: [CAMEL_DELIVERY],
      pagination: { total: 11, limit: 10, offset: 10 },
    });
    await expect(client.webhooks.listDeliveries(ID)).resolves.toMatchObject({ items: [] });
  });

  it('an unknown endpoint is not_found; a key without keys:write is insufficient_scope', async () => {
    const { client, reply } = track(setup({ retries: 0 }));
    reply('GET', '/v1/webhooks/endpoints/whe_x/deliveries', 404, errorBody('not_found', 'Not found'));
    reply('POST', '/v1/webhooks/endpoints', 403, errorBody('insufficient_scope', 'Insufficient scope'));
    expect((await failure(client.webhooks.listDeliveries('whe_x'))).code).toBe('not_found');
    expect((await failure(client.webhooks.createEndpoint({ name: 'x' }))).code).toBe('insufficient_scope');
  });
});

describe('close', () => {
  it('releases its own Agent; calls afterwards are network_error', async () => {
    const client = createClient({ apiKey: KEY, baseUrl: ORIGIN });
    await client.close();
    await client.close();
    const err = await failure(client.me());
    expect(err.code).toBe('network_error');
  });

  it('leaves a dispatcher it was given open', async () => {
    const { client, agent, reply } = track(setup());
    await client.close();
    reply('GET', '/v1/me', 200, ME);
    await expect(
      agent.request({ origin: ORIGIN, path: '/v1/me', method: 'GET' }).then((r) => r.body.json()),
    ).resolves.toEqual(ME);
  });

  it('is a KeywardClient', () => {
    expect(createClient({ apiKey: KEY })).toBeInstanceOf(KeywardClient);
  });
});

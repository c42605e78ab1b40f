import {
  DEV_API_KEY,
  generateSessionToken,
  MemoryKeyStore,
  MemorySessionStore,
  MemoryWebhookStore,
  signWebhook,
} from '@keyward/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { memoryStorage } from '../test/helpers.js';
import { createApp } from './create-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const dev = { 'x-api-key': DEV_API_KEY };

// Any well-formed media type, with or without parameters: the receiver takes every one of them.
const token = fc.stringMatching(/^[a-z0-9][a-z0-9.+-]{0,15}$/);
const mediaType = fc
  .tuple(token, token, fc.option(fc.constantFrom('; charset=utf-8', ';q=1', '; boundary=x'), { nil: '' }))
  .map(([type, subtype, parameters]) => `${type}/${subtype}${parameters}`);

describe('createApp', () => {
  const app = createApp({ storage: memoryStorage(), devKey: true, failureLimit: false });
  afterAll(() => app.close());

  it('puts an X-Request-Id on every response, success or error', async () => {
    const responses = await Promise.all([
      app.inject({ url: '/health' }),
      app.inject({ url: '/v1/me', headers: dev }),
      app.inject({ url: '/v1/me' }),
      app.inject({ url: '/v1/nope', headers: dev }),
      app.inject({ url: '/v1/secrets/api/keys?limit=0', headers: dev }),
    ]);
    const ids = responses.map((r) => r.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('echoes a short, safe incoming request id and replaces anything else', async () => {
    const echoed = await app.inject({ url: '/health', headers: { 'x-request-id': 'abc-123_DEF.4' } });
    expect(echoed.headers['x-request-id']).toBe('abc-123_DEF.4');
    for (const bad of ['a'.repeat(65), 'has space', 'new\\nline', '<script>', '']) {
      const res = await app.inject({ url: '/health', headers: { 'x-request-id': bad } });
      expect(res.headers['x-request-id']).toMatch(UUID);
    }
  });

  it('answers every request body with 201, 400 or 403, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (payload) => {
        const res = await app.inject({
          method: 'POST',
          url: '/v1/secrets/api/keys',
          headers: { ...dev, 'content-type': 'application/json' },
          payload: JSON.stringify(payload),
        });
        expect([201, 400]).toContain(res.statusCode);
        const json = JSON.parse(res.body);
        if (res.statusCode === 400) expect(json.error.code).toBe('validation_error');
      }),
      { numRuns: 150 },
    );
  });

  it('answers every portal session or webhook endpoint body with 201 or 400, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('/v1/portal/sessions', '/v1/webhooks/endpoints'),
        fc.jsonValue(),
        async (url, payload) => {
          const res = await app.inject({
            method: 'POST',
            url,
            headers: { ...dev, 'content-type': 'application/json' },
            payload: JSON.stringify(payload),
          });
          expect([201, 400]).toContain(res.statusCode);
          if (res.statusCode === 400) expect(JSON.parse(res.body).error.code).toBe('validation_error');
        },
      ),
      { numRuns: 150 },
    );
  });

  it('records any signed body once and refuses anything else it is sent with 401, never a 500', async () => {
    const storage = memoryStorage();
    const receiver = createApp({ storage, failureLimit: false });
    const scope = { tenantId: 't1', environmentId: 'prod' };
    const { secret, endpoint } = await storage.webhooks.createEndpoint(scope);
    const url = `/v1/webhooks/t1/prod/${endpoint.id}`;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), mediaType, async (bytes, contentType) => {
        const payload = Buffer.from(bytes);
        const headers = { ...signWebhook({ id: `msg_${n++}`, payload, secret }), 'content-type': contentType };
        const post = () => receiver.inject({ method: 'POST', url, headers, payload });
        expect((await post()).statusCode).toBe(204);
        expect((await post()).statusCode).toBe(409);
      }),
      { numRuns: 100 },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          { 'webhook-id': fc.string(), 'webhook-timestamp': fc.string(), 'webhook-signature': fc.string() },
          { requiredKeys: [] },
        ),
        fc.string(),
        async (headers, payload) => {
          const res = await receiver.inject({ method: 'POST', url, headers, payload });
          expect([res.statusCode, JSON.parse(res.body).error.code]).toEqual([401, 'invalid_signature']);
        },
      ),
      { numRuns: 150 },
    );
    expect((await storage.webhooks.listDeliveries(scope, endpoint.id))?.total).toBe(100);
    // A Content-Type that is no media type at all is refused before the body is read, saying so.
    for (const contentType of ['', 'json', 'application/', '/json']) {
      const payload = '{}';
      const headers = { ...signWebhook({ id: `msg_ct_${n++}`, payload, secret }), 'content-type': contentType };
      const res = await receiver.inject({ method: 'POST', url, headers, payload });
      expect([contentType, res.statusCode, JSON.parse(res.body)]).toEqual([
        contentType,
        400,
        { error: { code: 'validation_error', message: 'body: Content-Type is not a valid media type' } },
      ]);
    }
    await receiver.close();
  });

  it('answers every list query with 200 or 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string(), fc.string(), async (limit, offset) => {
        const query = new URLSearchParams({ limit, offset }).toString();
        const res = await app.inject({ url: `/v1/secrets/api/keys?${query}`, headers: dev });
        const valid =
          /^\d+$/.test(limit) &&
          limit.length <= 15 &&
          Number(limit) >= 1 &&
          Number(limit) <= 100 &&
          /^\d+$/.test(offset) &&
          offset.length <= 15;
        expect(res.statusCode).toBe(valid ? 200 : 400);
      }),
      { numRuns: 150 },
    );
  });

  it('answers what the router refuses in the one error body, without quoting the path', async () => {
    const long = 'k'.repeat(1025);
    const tooLong = await app.inject({ url: `/v1/secrets/api/keys/${long}`, headers: dev });
    expect([tooLong.statusCode, JSON.parse(tooLong.body)]).toEqual([
      404,
      { error: { code: 'not_found', message: 'Not found' } },
    ]);
    expect(tooLong.headers['x-request-id']).toMatch(UUID);
    const badUrl = await app.inject({ url: '/v1/secrets/api/keys/%E0%A4%A', headers: dev });
    expect([badUrl.statusCode, JSON.parse(badUrl.body)]).toEqual([
      400,
      { error: { code: 'validation_error', message: 'path: not a valid URL' } },
    ]);
    expect(badUrl.headers['x-request-id']).toMatch(UUID);
    for (const res of [tooLong, badUrl]) {
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.body).not.toContain('/v1/secrets');
    }
    // Up to 1024 characters a parameter reaches its route, which answers for itself.
    const longest = await app.inject({ url: `/v1/secrets/api/keys/${'k'.repeat(1024)}`, headers: dev });
    expect([longest.statusCode, JSON.parse(longest.body)]).toEqual([
      404,
      { error: { code: 'not_found', message: 'API key not found' } },
    ]);
  });

  it('turns a failing store into 500 internal_error without its message', async () => {
    const store = new MemoryKeyStore();
    vi.spyOn(store, 'list').mockRejectedValue(new Error('connection to db-secret-host refused'));
    const broken = createApp({ storage: memoryStorage(store), devKey: true });
    const res = await broken.inject({ url: '/v1/secrets/api/keys', headers: dev });
    expect(res.statusCode).toBe(500);
    expect(JSON.parse(res.body)).toEqual({ error: { code: 'internal_error', message: 'Internal server error' } });
    await broken.close();
  });

  it('refuses the development key in production', async () => {
    vi.stubEnv('NODE_ENV', 'production');
    try {
      expect(() => createApp({ storage: memoryStorage(), devKey: true })).toThrow(/development key/);
      const prod = createApp({ storage: memoryStorage() });
      const res = await prod.inject({ url: '/v1/me', headers: dev });
      expect(res.statusCode).toBe(401);
      await prod.close();
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it('limits failed attempts per client with 429 and Retry-After', async () => {
    const limited = createApp({ storage: memoryStorage(), failureLimit: { max: 2, windowMs: 60_000 } });
    const wrong = { 'x-api-key': 'f'.repeat(64) };
    expect((await limited.inject({ url: '/v1/me', headers: wrong })).statusCode).toBe(401);
    expect((await limited.inject({ url: '/v1/me', headers: wrong })).statusCode).toBe(401);
    const res = await limited.inject({ url: '/v1/me', headers: wrong });
    expect(res.statusCode).toBe(429);
    expect(JSON.parse(res.body).error.code).toBe('too_many_requests');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['x-request-id']).toMatch(UUID);
    // Routes without auth stay open to a limited client.
    expect((await limited.inject({ url: '/health' })).statusCode).toBe(200);
    await limited.close();
  });

  it('limits failed session tokens per client the same way', async () => {
    const limited = createApp({ storage: memoryStorage(), failureLimit: { max: 2, windowMs: 60_000 } });
    const wrong = { 'x-session-token': generateSessionToken() };
    expect((await limited.inject({ url: '/v1/portal/me', headers: wrong })).statusCode).toBe(401);
    expect((await limited.inject({ url: '/v1/portal/me', headers: wrong })).statusCode).toBe(401);
    const res = await limited.inject({ url: '/v1/portal/me', headers: wrong });
    expect([res.statusCode, JSON.parse(res.body).error.code]).toEqual([429, 'too_many_requests']);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    await limited.close();
    const open = createApp({ storage: memoryStorage(), failureLimit: false });
    for (let i = 0; i < 25; i++) {
      expect((await open.inject({ url: '/v1/portal/me', headers: wrong })).statusCode).toBe(401);
    }
    await open.close();
  });

  it('leaves the development key off unless asked', async () => {
    const plain = createApp({ storage: memoryStorage() });
    expect((await plain.inject({ url: '/v1/me', headers: dev })).statusCode).toBe(401);
    await plain.close();
  });

  it('refuses a store that cannot do its job, naming the field and the type it must be', () => {
    // Was /options.store/ before options.store became options.storage.keys.
    const readOnly = { findByHash: async () => null } as unknown as MemoryKeyStore;
    for (const keys of [{} as MemoryKeyStore, readOnly, undefined as unknown as MemoryKeyStore]) {
      expect(() => createApp({ storage: { ...memoryStorage(), keys } })).toThrow(
        new TypeError('@keyward/server: createApp: options.storage.keys must be a ManagedKeyStore'),
      );
    }
    // A session store that can look sessions up but not mint or revoke them, a key store in the
    // sessions field, or none at all: each would fail on the first portal request.
    const lookUpOnly = { findSessionByHash: async () => null };
    for (const sessions of [lookUpOnly, new MemoryKeyStore(), new MemoryWebhookStore(), undefined]) {
      expect(() => createApp({ storage: { ...memoryStorage(), sessions } } as never)).toThrow(
        new TypeError('@keyward/server: createApp: options.storage.sessions must be a ManagedSessionStore'),
      );
    }
    const { recordDelivery: _left, ...noReplayCheck } = Object.fromEntries(
      Object.entries(Object.getOwnPropertyDescriptors(MemoryWebhookStore.prototype)).map(([name, d]) => [
        name,
        d.value,
      ]),
    );
    for (const webhooks of [noReplayCheck, new MemorySessionStore(), undefined]) {
      expect(() => createApp({ storage: { ...memoryStorage(), webhooks } } as never)).toThrow(
        new TypeError('@keyward/server: createApp: options.storage.webhooks must be a ManagedWebhookStore'),
      );
    }
    // Each of the three alone is a complete storage only together with the other two.
    const { keys, sessions, webhooks } = memoryStorage();
    expect(() => createApp({ storage: { keys } } as never)).toThrow(/options\.storage\.sessions must be/);
    expect(() => createApp({ storage: { keys, sessions } } as never)).toThrow(/options\.storage\.webhooks must be/);
    expect(() => createApp({ storage: { keys, sessions, webhooks } }).close()).not.toThrow();
  });

  it('refuses storage that is not an object', () => {
    for (const storage of [undefined, null, 'memory', [new MemoryKeyStore()]]) {
      expect(() => createApp({ storage } as never)).toThrow(
        new TypeError(
          '@keyward/server: createApp: options.storage must be an object such as { keys, sessions, webhooks }',
        ),
      );
    }
  });

  it('refuses a request or keep-alive timeout that is not a whole number of milliseconds', () => {
    for (const option of ['requestTimeout', 'keepAliveTimeout']) {
      for (const bad of [0, -1, 1.5, Number.NaN, '30000', 2 ** 31]) {
        expect(() => createApp({ storage: memoryStorage(), [option]: bad }), `${option}: ${String(bad)}`).toThrow(
          `@keyward/server: createApp: options.${option} must be a whole number of milliseconds from 1 to 2147483647`,
        );
      }
    }
    const app = createApp({ storage: memoryStorage(), requestTimeout: 1000, keepAliveTimeout: 2000 });
    expect(app.initialConfig).toMatchObject({ requestTimeout: 1000, keepAliveTimeout: 2000 });
    return app.close();
  });

  it('refuses unknown options and unknown storage, naming what was meant', () => {
    const storage = memoryStorage();
    const { keys } = storage;
    // The old single-store option is refused, not silently ignored.
    expect(() => createApp({ store: keys } as never)).toThrow(
      new TypeError('@keyward/server: createApp: options.store is not an option (did you mean options.storage?)'),
    );
    expect(() => createApp({ stroage: storage } as never)).toThrow(
      new TypeError('@keyward/server: createApp: options.stroage is not an option (did you mean options.storage?)'),
    );
    expect(() => createApp({ storage, devkey: true } as never)).toThrow(
      new TypeError('@keyward/server: createApp: options.devkey is not an option (did you mean options.devKey?)'),
    );
    expect(() => createApp({ storage: { ...storage, keys: undefined, kyes: keys } } as never)).toThrow(
      new TypeError(
        '@keyward/server: createApp: options.storage.kyes is not an option (did you mean options.storage.keys?)',
      ),
    );
    expect(() => createApp({ storage: { ...storage, session: storage.sessions } } as never)).toThrow(
      new TypeError(
        '@keyward/server: createApp: options.storage.session is not an option (did you mean options.storage.sessions?)',
      ),
    );
    expect(() => createApp({ storage: { ...storage, webhook: storage.webhooks } } as never)).toThrow(
      new TypeError(
        '@keyward/server: createApp: options.storage.webhook is not an option (did you mean options.storage.webhooks?)',
      ),
    );
    // A store for something the server does not keep is refused rather than ignored.
    expect(() => createApp({ storage: { ...storage, invoices: keys } } as never)).toThrow(
      /^@keyward\/server: createApp: options\.storage\.invoices is not an option; known: keys, sessions, webhooks$/,
    );
  });
});

import { randomUUID } from 'node:crypto';
import { DEV_API_KEY, type ManagedKeyStore } from '@keyward/core';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { body, devHeaders, errorCode, type StoreFactory, withKey } from './helpers.js';

const SESSION_TOKEN = /^kws_[A-Za-z0-9_-]{43}$/;
const WEBHOOK_SECRET = /^whsec_[A-Za-z0-9+/]{43}=$/;
const ENDPOINT_FIELDS = ['created_at', 'id', 'name', 'tolerance_seconds'];

/** A key with exactly `scopes`, in a tenant of its own, made straight in the store. */
async function keyWith(store: ManagedKeyStore, scopes: string[], tenantId = `t_${randomUUID()}`) {
  const { key } = await store.create({ tenantId, environmentId: 'prod', name: scopes.join(' ') || 'none', scopes });
  return { key, tenantId, environmentId: 'prod' };
}

interface Created {
  res: LightMyRequestResponse;
  json: Record<string, unknown>;
}

/**
 * The portal session and webhook endpoint operations end to end against one backend, beside the
 * key API of api-suite.ts. Called once per backend so that every backend answers the same.
 */
export function describePortalAndWebhooksApi(name: string, makeStore: StoreFactory): void {
  describe(`portal sessions and webhook endpoints on ${name}`, () => {
    let handle: Awaited<ReturnType<StoreFactory>>;
    let app: FastifyInstance;

    beforeAll(async () => {
      handle = await makeStore();
      if (handle === null) return;
      app = createApp({ storage: handle.storage, devKey: true, failureLimit: false });
      await app.ready();
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await handle?.close();
    }, 60_000);

    const post = async (url: string, key: string, payload?: object): Promise<Created> => {
      const res = await app.inject({ method: 'POST', url, headers: withKey(key), ...(payload ? { payload } : {}) });
      return { res, json: body(res) };
    };

    it('mints a portal session for a customer with portal:write, in the key’s own tenant and environment', async (ctx) => {
      if (handle === null) return ctx.skip();
      const portal = await keyWith(handle.store, ['portal:write']);
      const before = Date.now();
      const { res, json } = await post('/v1/portal/sessions', portal.key, { customer_id: 'cus_42' });
      const after = Date.now();
      expect(res.statusCode).toBe(201);
      expect(Object.keys(json).sort()).toEqual(['expires_at', 'session_id', 'token']);
      expect(json.token).toMatch(SESSION_TOKEN);
      expect(json.session_id).toMatch(/^ses_[0-9a-f]{24}$/);
      // The default lifetime, one hour, counted from the request.
      const expiresAt = Date.parse(json.expires_at as string);
      expect(new Date(expiresAt).toISOString()).toBe(json.expires_at);
      expect(expiresAt).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
      expect(expiresAt).toBeLessThanOrEqual(after + 3600_000);

      const short = await post('/v1/portal/sessions', portal.key, { customer_id: 'cus_42', ttl_seconds: 60 });
      expect(short.res.statusCode).toBe(201);
      const shortExpiry = Date.parse(short.json.expires_at as string);
      expect(shortExpiry).toBeGreaterThanOrEqual(before + 60_000 - 1000);
      expect(shortExpiry).toBeLessThanOrEqual(Date.now() + 60_000);
      expect(short.json.token).not.toBe(json.token);
      expect(short.json.session_id).not.toBe(json.session_id);
    });

    it('refuses to mint a session without portal:write, and refuses a body that names a tenant', async (ctx) => {
      if (handle === null) return ctx.skip();
      for (const scopes of [['keys:read', 'keys:write'], [], ['portal:read']]) {
        const { key } = await keyWith(handle.store, scopes);
        const { res } = await post('/v1/portal/sessions', key, { customer_id: 'cus_1' });
        expect([res.statusCode, errorCode(res)]).toEqual([403, 'insufficient_scope']);
      }
      const star = await keyWith(handle.store, ['*']);
      expect((await post('/v1/portal/sessions', star.key, { customer_id: 'cus_1' })).res.statusCode).toBe(201);
      const cases: Array<[unknown, string]> = [
        [{}, 'body.customer_id'],
        [{ customer_id: '' }, 'body.customer_id'],
        [{ customer_id: 'has space' }, 'body.customer_id'],
        [{ customer_id: 42 }, 'body.customer_id'],
        [{ customer_id: 'c', ttl_seconds: 59 }, 'body.ttl_seconds'],
        [{ customer_id: 'c', ttl_seconds: 24 * 3600 + 1 }, 'body.ttl_seconds'],
        [{ customer_id: 'c', ttl_seconds: 90.5 }, 'body.ttl_seconds'],
        [{ customer_id: 'c', ttl_seconds: '60' }, 'body.ttl_seconds'],
        // The session's tenant and environment are the key's: the body cannot choose them.
        [{ customer_id: 'c', tenant_id: 'acme' }, 'body.tenant_id'],
        [{ customer_id: 'c', environment_id: 'prod' }, 'body.environment_id'],
      ];
      for (const [payload, field] of cases) {
        const { res, json } = await post('/v1/portal/sessions', star.key, payload as object);
        expect({ payload, status: res.statusCode, code: errorCode(res) }).toEqual({
          payload,
          status: 400,
          code: 'validation_error',
        });
        const message = (json.error as { message: string }).message;
        expect(message.startsWith(`${field}:`), `${message} should name ${field}`).toBe(true);
      }
    });

    it('revokes a session by id with portal:write; a second revoke or an unknown id is 404', async (ctx) => {
      if (handle === null) return ctx.skip();
      const portal = await keyWith(handle.store, ['portal:write']);
      const { json } = await post('/v1/portal/sessions', portal.key, { customer_id: 'cus_7' });
      const url = `/v1/portal/sessions/${json.session_id as string}`;
      const reader = await keyWith(handle.store, ['keys:read', 'keys:write'], portal.tenantId);
      const refused = await app.inject({ method: 'DELETE', url, headers: withKey(reader.key) });
      expect([refused.statusCode, errorCode(refused)]).toEqual([403, 'insufficient_scope']);

      const del = await app.inject({ method: 'DELETE', url, headers: withKey(portal.key) });
      expect(del.statusCode).toBe(204);
      expect(del.body).toBe('');
      const notFound = { error: { code: 'not_found', message: 'Portal session not found' } };
      const again = await app.inject({ method: 'DELETE', url, headers: withKey(portal.key) });
      expect([again.statusCode, body(again)]).toEqual([404, notFound]);
      const unknown = await app.inject({
        method: 'DELETE',
        url: '/v1/portal/sessions/ses_000000000000000000000000',
        headers: withKey(portal.key),
      });
      expect([unknown.statusCode, body(unknown)]).toEqual([404, notFound]);
    });

    it('creates, lists, rotates the secret of, and deletes a webhook endpoint', async (ctx) => {
      if (handle === null) return ctx.skip();
      const admin = await keyWith(handle.store, ['keys:read', 'keys:write']);
      const created = await post('/v1/webhooks/endpoints', admin.key, { name: 'billing', tolerance_seconds: 120 });
      expect(created.res.statusCode).toBe(201);
      expect(Object.keys(created.json).sort()).toEqual([...ENDPOINT_FIELDS, 'secret'].sort());
      expect(created.json).toMatchObject({ name: 'billing', tolerance_seconds: 120 });
      expect(created.json.id).toMatch(/^whe_[0-9a-f]{24}$/);
      expect(created.json.secret).toMatch(WEBHOOK_SECRET);
      expect(new Date(created.json.created_at as string).toISOString()).toBe(created.json.created_at);
      const id = created.json.id as string;
      const secret = created.json.secret as string;

      // Without a body: no name and the default tolerance of five minutes.
      const bare = await post('/v1/webhooks/endpoints', admin.key);
      expect(bare.res.statusCode).toBe(201);
      expect(bare.json).toMatchObject({ name: null, tolerance_seconds: 300 });
      expect(bare.json.secret).not.toBe(secret);

      const list = await app.inject({ url: '/v1/webhooks/endpoints', headers: withKey(admin.key) });
      expect(list.statusCode).toBe(200);
      const items = body<{ items: Array<Record<string, unknown>> }>(list).items;
      // Newest first, and never a secret.
      expect(items.map((e) => e.id)).toEqual([bare.json.id, id]);
      for (const item of items) expect(Object.keys(item).sort()).toEqual(ENDPOINT_FIELDS);
      expect(list.body).not.toContain('whsec_');
      expect(items[1]).toEqual({
        id,
        name: 'billing',
        tolerance_seconds: 120,
        created_at: created.json.created_at,
      });

      const rotated = await post(`/v1/webhooks/endpoints/${id}/rotate-secret`, admin.key, {
        grace_period_seconds: 60,
      });
      expect(rotated.res.statusCode).toBe(201);
      expect(rotated.json).toMatchObject({ id, name: 'billing', tolerance_seconds: 120 });
      expect(rotated.json.secret).toMatch(WEBHOOK_SECRET);
      expect(rotated.json.secret).not.toBe(secret);
      // An empty body rotates with the default grace period.
      const again = await app.inject({
        method: 'POST',
        url: `/v1/webhooks/endpoints/${id}/rotate-secret`,
        headers: { ...withKey(admin.key), 'content-type': 'application/json' },
        payload: '',
      });
      expect(again.statusCode).toBe(201);

      const deliveries = await app.inject({
        url: `/v1/webhooks/endpoints/${id}/deliveries`,
        headers: withKey(admin.key),
      });
      expect([deliveries.statusCode, body(deliveries)]).toEqual([
        200,
        { items: [], pagination: { total: 0, limit: 50, offset: 0 } },
      ]);

      const del = await app.inject({
        method: 'DELETE',
        url: `/v1/webhooks/endpoints/${id}`,
        headers: withKey(admin.key),
      });
      expect([del.statusCode, del.body]).toEqual([204, '']);
      const notFound = { error: { code: 'not_found', message: 'Webhook endpoint not found' } };
      const gone = [
        await app.inject({ method: 'DELETE', url: `/v1/webhooks/endpoints/${id}`, headers: withKey(admin.key) }),
        await app.inject({
          method: 'POST',
          url: `/v1/webhooks/endpoints/${id}/rotate-secret`,
          headers: withKey(admin.key),
          payload: {},
        }),
        await app.inject({ url: `/v1/webhooks/endpoints/${id}/deliveries`, headers: withKey(admin.key) }),
      ];
      for (const res of gone) expect([res.statusCode, body(res)]).toEqual([404, notFound]);
      const remaining = body<{ items: Array<{ id: string }> }>(
        await app.inject({ url: '/v1/webhooks/endpoints', headers: withKey(admin.key) }),
      );
      expect(remaining.items.map((e) => e.id)).toEqual([bare.json.id]);
    });

    it('needs keys:read to list endpoints and deliveries, and keys:write to change them', async (ctx) => {
      if (handle === null) return ctx.skip();
      const writer = await keyWith(handle.store, ['keys:write']);
      const reader = await keyWith(handle.store, ['keys:read'], writer.tenantId);
      const portal = await keyWith(handle.store, ['portal:write'], writer.tenantId);
      const { json } = await post('/v1/webhooks/endpoints', writer.key);
      const id = json.id as string;
      const reads = [
        { method: 'GET', url: '/v1/webhooks/endpoints' },
        { method: 'GET', url: `/v1/webhooks/endpoints/${id}/deliveries` },
      ] as const;
      const writes = [
        { method: 'POST', url: '/v1/webhooks/endpoints', payload: {} },
        { method: 'POST', url: `/v1/webhooks/endpoints/${id}/rotate-secret`, payload: {} },
        { method: 'DELETE', url: `/v1/webhooks/endpoints/${id}` },
      ] as const;
      for (const request of reads) {
        expect((await app.inject({ ...request, headers: withKey(reader.key) })).statusCode).toBe(200);
        for (const key of [writer.key, portal.key]) {
          const res = await app.inject({ ...request, headers: withKey(key) });
          expect([request.url, res.statusCode, errorCode(res)]).toEqual([request.url, 403, 'insufficient_scope']);
        }
      }
      for (const request of writes) {
        for (const key of [reader.key, portal.key]) {
          const res = await app.inject({ ...request, headers: withKey(key) });
          expect([request.url, res.statusCode, errorCode(res)]).toEqual([request.url, 403, 'insufficient_scope']);
        }
      }
      // The writer can do each write (the delete last).
      for (const request of writes) {
        const res = await app.inject({ ...request, headers: withKey(writer.key) });
        expect([request.url, res.statusCode]).toEqual([request.url, request.method === 'DELETE' ? 204 : 201]);
      }
    });

    it('refuses a bad endpoint, rotation or deliveries request with 400 naming the field', async (ctx) => {
      if (handle === null) return ctx.skip();
      const { json } = await post('/v1/webhooks/endpoints', DEV_API_KEY);
      const id = json.id as string;
      const cases: Array<[string, string, unknown, string]> = [
        ['POST', '/v1/webhooks/endpoints', { name: '' }, 'body.name'],
        ['POST', '/v1/webhooks/endpoints', { name: 'n'.repeat(256) }, 'body.name'],
        ['POST', '/v1/webhooks/endpoints', { tolerance_seconds: 0 }, 'body.tolerance_seconds'],
        ['POST', '/v1/webhooks/endpoints', { tolerance_seconds: 3601 }, 'body.tolerance_seconds'],
        ['POST', '/v1/webhooks/endpoints', { tolerance_seconds: 1.5 }, 'body.tolerance_seconds'],
        ['POST', '/v1/webhooks/endpoints', { secret: 'whsec_mine' }, 'body.secret'],
        ['POST', '/v1/webhooks/endpoints', { tenant_id: 'acme' }, 'body.tenant_id'],
        [
          'POST',
          `/v1/webhooks/endpoints/${id}/rotate-secret`,
          { grace_period_seconds: -1 },
          'body.grace_period_seconds',
        ],
        [
          'POST',
          `/v1/webhooks/endpoints/${id}/rotate-secret`,
          { grace_period_seconds: 7 * 24 * 3600 + 1 },
          'body.grace_period_seconds',
        ],
        ['POST', `/v1/webhooks/endpoints/${id}/rotate-secret`, { grace: 60 }, 'body.grace'],
        ['GET', `/v1/webhooks/endpoints/${id}/deliveries?limit=0`, undefined, 'query.limit'],
        ['GET', `/v1/webhooks/endpoints/${id}/deliveries?limit=101`, undefined, 'query.limit'],
        ['GET', `/v1/webhooks/endpoints/${id}/deliveries?offset=-1`, undefined, 'query.offset'],
      ];
      for (const [method, url, payload, field] of cases) {
        const res = await app.inject({
          method: method as 'GET',
          url,
          headers: devHeaders,
          ...(payload === undefined ? {} : { payload: payload as object }),
        });
        expect({ url, payload, status: res.statusCode, code: errorCode(res) }).toEqual({
          url,
          payload,
          status: 400,
          code: 'validation_error',
        });
        const message = body<{ error: { message: string } }>(res).error.message;
        expect(message.startsWith(`${field}:`), `${message} should name ${field}`).toBe(true);
      }
    });

    it('sends every response that holds a secret with Cache-Control: no-store, and only those', async (ctx) => {
      if (handle === null) return ctx.skip();
      const endpoint = await post('/v1/webhooks/endpoints', DEV_API_KEY);
      const key = await post('/v1/secrets/api/keys', DEV_API_KEY, { name: 'cached?' });
      const secrets = [
        key,
        await post(`/v1/secrets/api/keys/${(key.json.secret as { id: string }).id}/rotate`, DEV_API_KEY, {}),
        await post('/v1/portal/sessions', DEV_API_KEY, { customer_id: 'cus_1' }),
        endpoint,
        await post(`/v1/webhooks/endpoints/${endpoint.json.id as string}/rotate-secret`, DEV_API_KEY, {}),
      ];
      for (const { res } of secrets) {
        expect([res.statusCode, res.headers['cache-control']]).toEqual([201, 'no-store']);
      }
      const plain = [
        await app.inject({ url: '/v1/me', headers: devHeaders }),
        await app.inject({ url: '/v1/secrets/api/keys', headers: devHeaders }),
        await app.inject({ url: '/v1/webhooks/endpoints', headers: devHeaders }),
      ];
      for (const res of plain) {
        expect(res.statusCode).toBe(200);
        expect(res.headers['cache-control']).toBeUndefined();
      }
    });

    it('refuses a session token where an API key is needed', async (ctx) => {
      if (handle === null) return ctx.skip();
      const { json } = await post('/v1/portal/sessions', DEV_API_KEY, { customer_id: 'cus_1' });
      const token = json.token as string;
      for (const url of ['/v1/me', '/v1/secrets/api/keys', '/v1/webhooks/endpoints']) {
        const asKey = await app.inject({ url, headers: withKey(token) });
        expect([url, asKey.statusCode, errorCode(asKey)]).toEqual([url, 401, 'invalid_api_key']);
        // Sent as a session token where a key is needed, it is no key at all.
        const asSession = await app.inject({ url, headers: { 'x-session-token': token } });
        expect([url, asSession.statusCode, errorCode(asSession)]).toEqual([url, 401, 'missing_api_key']);
      }
    });
  });
}

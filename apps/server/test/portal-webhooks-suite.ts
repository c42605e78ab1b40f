import { randomUUID } from 'node:crypto';
import { DEV_API_KEY, generateSessionToken, type ManagedKeyStore, signWebhook } from '@keyward/core';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { Webhook as StandardWebhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createApp } from '../src/create-app.js';
import { WEBHOOK_BODY_LIMIT } from '../src/routes/webhooks.js';
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

/** The receiver URL of an endpoint, and what it needs to sign deliveries. */
interface Receiver {
  url: string;
  id: string;
  secret: string;
  key: string;
  tenantId: string;
}

const session = (token: string) => ({ 'x-session-token': token });

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

    const portalMe = (token: string) => app.inject({ url: '/v1/portal/me', headers: session(token) });

    /** An endpoint in a tenant of its own, made through the API. */
    const receiver = async (payload: object = {}): Promise<Receiver> => {
      if (handle === null) throw new Error('no backend');
      const admin = await keyWith(handle.store, ['keys:read', 'keys:write']);
      const { res, json } = await post('/v1/webhooks/endpoints', admin.key, payload);
      if (res.statusCode !== 201) throw new Error(`create endpoint failed: ${res.statusCode} ${res.body}`);
      const id = json.id as string;
      return {
        url: `/v1/webhooks/${admin.tenantId}/${admin.environmentId}/${id}`,
        id,
        secret: json.secret as string,
        key: admin.key,
        tenantId: admin.tenantId,
      };
    };

    /** POSTs `payload` to `url` with `headers` (the signature), as a sender would. */
    const deliver = (url: string, payload: string | Buffer, headers: Record<string, string>) =>
      app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json', ...headers }, payload });

    const signed = (url: string, payload: string, secret: string | string[], id = `msg_${randomUUID()}`) =>
      deliver(url, payload, signWebhook({ id, payload, secret }));

    const deliveriesOf = async (target: Receiver) =>
      body<{ items: Array<Record<string, unknown>>; pagination: { total: number } }>(
        await app.inject({ url: `/v1/webhooks/endpoints/${target.id}/deliveries`, headers: withKey(target.key) }),
      );

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

    it('lets a session token read /v1/portal/me, and stops it at once when revoked by id', async (ctx) => {
      if (handle === null) return ctx.skip();
      const portal = await keyWith(handle.store, ['portal:write']);
      const { json } = await post('/v1/portal/sessions', portal.key, { customer_id: 'cus_me' });
      const token = json.token as string;
      const me = await portalMe(token);
      expect(me.statusCode).toBe(200);
      expect(body(me)).toEqual({
        session_id: json.session_id,
        customer_id: 'cus_me',
        tenant_id: portal.tenantId,
        environment_id: portal.environmentId,
        expires_at: json.expires_at,
      });
      // Used again, so that a verification cache certainly holds it before the revocation.
      expect((await portalMe(token)).statusCode).toBe(200);
      const del = await app.inject({
        method: 'DELETE',
        url: `/v1/portal/sessions/${json.session_id as string}`,
        headers: withKey(portal.key),
      });
      expect(del.statusCode).toBe(204);
      const after = await portalMe(token);
      expect([after.statusCode, body(after)]).toEqual([
        401,
        { error: { code: 'invalid_session_token', message: 'Invalid session token' } },
      ]);
    });

    it('logs a session out with DELETE /v1/portal/sessions/current, leaving the customer’s other sessions', async (ctx) => {
      if (handle === null) return ctx.skip();
      const portal = await keyWith(handle.store, ['portal:write']);
      const first = (await post('/v1/portal/sessions', portal.key, { customer_id: 'cus_out' })).json;
      const second = (await post('/v1/portal/sessions', portal.key, { customer_id: 'cus_out' })).json;
      expect((await portalMe(first.token as string)).statusCode).toBe(200);
      const out = await app.inject({
        method: 'DELETE',
        url: '/v1/portal/sessions/current',
        headers: session(first.token as string),
      });
      expect([out.statusCode, out.body]).toEqual([204, '']);
      expect(errorCode(await portalMe(first.token as string))).toBe('invalid_session_token');
      const again = await app.inject({
        method: 'DELETE',
        url: '/v1/portal/sessions/current',
        headers: session(first.token as string),
      });
      expect([again.statusCode, errorCode(again)]).toEqual([401, 'invalid_session_token']);
      expect(body(await portalMe(second.token as string))).toMatchObject({ session_id: second.session_id });
    });

    it('refuses an API key on portal routes, and a missing, malformed or unknown session token', async (ctx) => {
      if (handle === null) return ctx.skip();
      const minted = (await post('/v1/portal/sessions', DEV_API_KEY, { customer_id: 'cus_x' })).json;
      const cases: Array<[Record<string, string | string[]>, string]> = [
        [{}, 'missing_session_token'],
        [{ 'x-session-token': '' }, 'missing_session_token'],
        // A key, even a valid one, is no session token: not in its own header, nor in the session's.
        [devHeaders, 'missing_session_token'],
        [session(DEV_API_KEY), 'invalid_session_token'],
        [{ authorization: `Bearer ${minted.token as string}` }, 'missing_session_token'],
        [session('kws_short'), 'invalid_session_token'],
        [session(generateSessionToken()), 'invalid_session_token'],
        [session(`${minted.token as string} `.repeat(2)), 'invalid_session_token'],
        [{ 'x-session-token': [minted.token as string, minted.token as string] }, 'invalid_session_token'],
      ];
      for (const [headers, code] of cases) {
        for (const request of [
          { method: 'GET', url: '/v1/portal/me' },
          { method: 'DELETE', url: '/v1/portal/sessions/current' },
        ] as const) {
          const res = await app.inject({ ...request, headers });
          expect([request.url, headers, res.statusCode, errorCode(res)]).toEqual([request.url, headers, 401, code]);
        }
      }
      // The session survived every attempt, and a session token cannot revoke by id (that needs a key).
      expect((await portalMe(minted.token as string)).statusCode).toBe(200);
      const byId = await app.inject({
        method: 'DELETE',
        url: `/v1/portal/sessions/${minted.session_id as string}`,
        headers: session(minted.token as string),
      });
      expect([byId.statusCode, errorCode(byId)]).toEqual([401, 'missing_api_key']);
      expect((await portalMe(minted.token as string)).statusCode).toBe(200);
    });

    it('receives a delivery signed with the endpoint’s secret once, and refuses its replay with 409', async (ctx) => {
      if (handle === null) return ctx.skip();
      const target = await receiver({ name: 'billing' });
      const payload = JSON.stringify({ type: 'invoice.paid', data: { id: 'inv_1', note: 'ünïcode ✓' } });
      const headers = signWebhook({ id: 'msg_1', payload, secret: target.secret });
      const first = await deliver(target.url, payload, headers);
      expect([first.statusCode, first.body]).toEqual([204, '']);
      const replay = await deliver(target.url, payload, headers);
      expect([replay.statusCode, body(replay)]).toEqual([
        409,
        { error: { code: 'conflict', message: 'This webhook-id was already received by this endpoint' } },
      ]);
      // A later attempt of the same message (a fresh timestamp, so a fresh signature) is a replay too.
      const retried = await deliver(target.url, payload, signWebhook({ id: 'msg_1', payload, secret: target.secret }));
      expect(retried.statusCode).toBe(409);
      // Any content type, and bytes that are not JSON: no event type then.
      const plain = await app.inject({
        method: 'POST',
        url: target.url,
        headers: {
          'content-type': 'text/plain',
          ...signWebhook({ id: 'msg_2', payload: 'ping', secret: target.secret }),
        },
        payload: 'ping',
      });
      expect(plain.statusCode).toBe(204);

      const page = await deliveriesOf(target);
      expect(page.pagination.total).toBe(2);
      const [latest, earliest] = page.items;
      expect(earliest).toEqual({
        webhook_id: 'msg_1',
        endpoint_id: target.id,
        event_type: 'invoice.paid',
        received_at: expect.any(String),
        size: Buffer.byteLength(payload),
      });
      expect(new Date(earliest?.received_at as string).toISOString()).toBe(earliest?.received_at);
      expect(latest).toMatchObject({ webhook_id: 'msg_2', event_type: null, size: 4 });
    });

    it('refuses with 401 invalid_signature a delivery that is unsigned, tampered, stale or signed with another secret', async (ctx) => {
      if (handle === null) return ctx.skip();
      // A tolerance of two minutes: a delivery three minutes old is refused though the default (five) would take it.
      const target = await receiver({ tolerance_seconds: 120 });
      const other = await receiver();
      const payload = '{"type":"user.created"}';
      const now = Math.floor(Date.now() / 1000);
      const sign = (input: Partial<Parameters<typeof signWebhook>[0]> = {}) =>
        signWebhook({ id: 'msg_bad', payload, secret: target.secret, ...input });
      const refused: Array<[string, string | Buffer, Record<string, string>, string]> = [
        ['no signature', payload, {}, 'Missing webhook-id'],
        ['a key instead', payload, withKey(DEV_API_KEY), 'Missing webhook-id'],
        ['tampered body', `${payload} `, sign(), 'No webhook signature matches'],
        ['re-serialised body', JSON.stringify(JSON.parse(payload), null, 1), sign(), 'No webhook signature matches'],
        ['another endpoint’s secret', payload, sign({ secret: other.secret }), 'No webhook signature matches'],
        ['three minutes old', payload, sign({ timestamp: now - 180 }), 'too far from the current time'],
        ['three minutes ahead', payload, sign({ timestamp: now + 180 }), 'too far from the current time'],
        ['another id than signed', payload, { ...sign(), 'webhook-id': 'msg_other' }, 'No webhook signature matches'],
        ['a bad timestamp', payload, { ...sign(), 'webhook-timestamp': 'yesterday' }, 'not Unix seconds'],
      ];
      for (const [what, bytes, headers, message] of refused) {
        const res = await deliver(target.url, bytes, headers);
        expect([what, res.statusCode, errorCode(res)]).toEqual([what, 401, 'invalid_signature']);
        expect(body<{ error: { message: string } }>(res).error.message, what).toContain(message);
      }
      // Two minutes less a little is within this endpoint's tolerance.
      expect((await deliver(target.url, payload, sign({ id: 'msg_ok', timestamp: now - 100 }))).statusCode).toBe(204);
      // Only the delivery that verified was recorded: a refused one never reaches the replay check.
      expect((await deliveriesOf(target)).items.map((d) => d.webhook_id)).toEqual(['msg_ok']);
      expect((await signed(target.url, payload, target.secret, 'msg_bad')).statusCode).toBe(204);
    });

    it('verifies with the old secret during a rotation’s grace period, and not once it ends', async (ctx) => {
      if (handle === null) return ctx.skip();
      const target = await receiver();
      const payload = '{"type":"rotated"}';
      const rotate = async (grace: number) =>
        (
          await post(`/v1/webhooks/endpoints/${target.id}/rotate-secret`, target.key, {
            grace_period_seconds: grace,
          })
        ).json.secret as string;
      const second = await rotate(60);
      // Both verify during the grace period, and a sender signing with both is accepted.
      expect((await signed(target.url, payload, target.secret)).statusCode).toBe(204);
      expect((await signed(target.url, payload, second)).statusCode).toBe(204);
      expect((await signed(target.url, payload, [target.secret, second])).statusCode).toBe(204);
      // Rotated again with no grace: the secret it replaces stops at once; the first is still in its own grace.
      const third = await rotate(0);
      expect(errorCode(await signed(target.url, payload, second))).toBe('invalid_signature');
      expect((await signed(target.url, payload, third)).statusCode).toBe(204);
      expect((await signed(target.url, payload, target.secret)).statusCode).toBe(204);
      const fourth = await rotate(0);
      expect((await signed(target.url, payload, fourth)).statusCode).toBe(204);
      expect(errorCode(await signed(target.url, payload, third))).toBe('invalid_signature');
    });

    it('answers 404 alike for a missing endpoint, a deleted one and another tenant’s or environment’s', async (ctx) => {
      if (handle === null) return ctx.skip();
      const target = await receiver();
      const elsewhere = await receiver();
      const payload = '{}';
      const sign = (secret: string) => signWebhook({ id: 'msg_404', payload, secret });
      const notFound = { error: { code: 'not_found', message: 'Not found' } };
      const urls = [
        `/v1/webhooks/${target.tenantId}/prod/whe_000000000000000000000000`,
        // Another tenant's endpoint under this tenant's name, and this one's under another environment or tenant.
        `/v1/webhooks/${target.tenantId}/prod/${elsewhere.id}`,
        `/v1/webhooks/${target.tenantId}/dev/${target.id}`,
        `/v1/webhooks/${elsewhere.tenantId}/prod/${target.id}`,
        // Ids no store could hold name nothing.
        `/v1/webhooks/${'t'.repeat(129)}/prod/${target.id}`,
        `/v1/webhooks/${encodeURIComponent('has space')}/prod/${target.id}`,
      ];
      for (const url of urls) {
        // Correctly signed with the endpoint's own secret: still nothing is confirmed to exist.
        const res = await deliver(url, payload, sign(target.secret));
        expect([url, res.statusCode, body(res)]).toEqual([url, 404, notFound]);
      }
      const del = await app.inject({
        method: 'DELETE',
        url: `/v1/webhooks/endpoints/${target.id}`,
        headers: withKey(target.key),
      });
      expect(del.statusCode).toBe(204);
      const gone = await deliver(target.url, payload, sign(target.secret));
      expect([gone.statusCode, body(gone)]).toEqual([404, notFound]);
      expect((await deliver(elsewhere.url, payload, sign(elsewhere.secret))).statusCode).toBe(204);
    });

    it('receives deliveries for the longest tenant and environment ids a store holds', async (ctx) => {
      if (handle === null) return ctx.skip();
      const tenantId = `t${'x'.repeat(127)}`;
      const environmentId = 'e'.repeat(128);
      const { key } = await handle.store.create({ tenantId, environmentId, name: 'long', scopes: ['*'] });
      const { json } = await post('/v1/webhooks/endpoints', key);
      const url = `/v1/webhooks/${tenantId}/${environmentId}/${json.id as string}`;
      expect((await signed(url, '{}', json.secret as string)).statusCode).toBe(204);
    });

    it('answers a body over the limit 413 before looking the endpoint up or computing any signature', async (ctx) => {
      if (handle === null) return ctx.skip();
      const target = await receiver();
      const find = vi.spyOn(handle.storage.webhooks, 'findEndpoint');
      try {
        const big = 'x'.repeat(WEBHOOK_BODY_LIMIT + 1);
        const res = await deliver(target.url, big, signWebhook({ id: 'msg_big', payload: big, secret: target.secret }));
        expect([res.statusCode, body(res)]).toEqual([
          413,
          {
            error: {
              code: 'payload_too_large',
              message: `body: larger than the limit of ${WEBHOOK_BODY_LIMIT} bytes`,
            },
          },
        ]);
        expect(find).not.toHaveBeenCalled();
        // At the limit exactly, it is verified and recorded.
        const fits = 'y'.repeat(WEBHOOK_BODY_LIMIT);
        expect((await signed(target.url, fits, target.secret)).statusCode).toBe(204);
        expect(find).toHaveBeenCalledTimes(1);
      } finally {
        find.mockRestore();
      }
      expect((await deliveriesOf(target)).items.map((d) => d.size)).toEqual([WEBHOOK_BODY_LIMIT]);
    });

    it('accepts a delivery signed by the standardwebhooks library', async (ctx) => {
      if (handle === null) return ctx.skip();
      const target = await receiver();
      const payload = JSON.stringify({ type: 'customer.updated', data: { id: 'cus_1' } });
      const at = new Date();
      const headers = {
        'webhook-id': 'msg_standard',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': new StandardWebhook(target.secret).sign('msg_standard', at, payload),
      };
      expect((await deliver(target.url, payload, headers)).statusCode).toBe(204);
      expect((await deliver(target.url, payload, headers)).statusCode).toBe(409);
      const other = new StandardWebhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
      const forged = { ...headers, 'webhook-id': 'msg_forged' };
      forged['webhook-signature'] = other.sign('msg_forged', at, payload);
      expect(errorCode(await deliver(target.url, payload, forged))).toBe('invalid_signature');
      expect((await deliveriesOf(target)).items).toEqual([
        expect.objectContaining({ webhook_id: 'msg_standard', event_type: 'customer.updated' }),
      ]);
    });
  });
}

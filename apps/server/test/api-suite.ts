import { randomUUID } from 'node:crypto';
import { DEV_API_KEY, DEV_ENVIRONMENT_ID, DEV_TENANT_ID, DEV_USER_ID, type ManagedKeyStore } from '@keyward/core';
import { waitFor } from '@keyward/test-kit/wait-for';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { body, createKeyVia, devHeaders, errorCode, type StoreFactory, withKey } from './helpers.js';

const API_KEY_FIELDS = [
  'created_at',
  'display_id',
  'environment_id',
  'expires_at',
  'id',
  'last_used_at',
  'name',
  'provider',
  'roles',
  'scopes',
  'status',
  'tenant_id',
  'type',
  'updated_at',
  'user_id',
  'user_type',
].sort();

/** An admin key (`*`) in a tenant of its own, made straight in the store. */
export async function adminKeyIn(store: ManagedKeyStore, tenantId = `t_${randomUUID()}`, environmentId = 'prod') {
  const { key, apiKey } = await store.create({ tenantId, environmentId, name: 'admin', scopes: ['*'] });
  return { key, id: apiKey.id, tenantId, environmentId };
}

/**
 * The whole HTTP API end to end, against one store backend. Called once per backend (memory,
 * PGlite, PostgreSQL) so that every backend answers the same.
 */
export function describeApi(name: string, makeStore: StoreFactory): void {
  describe(`HTTP API on ${name}`, () => {
    let handle: Awaited<ReturnType<StoreFactory>>;
    let app: FastifyInstance;

    beforeAll(async () => {
      handle = await makeStore();
      if (handle === null) return;
      app = createApp({ storage: handle.storage, devKey: true, failureLimit: false });
      await app.ready();
      // Opening a fresh PGlite database (initdb in WebAssembly) takes seconds on a busy machine.
    }, 120_000);

    afterAll(async () => {
      await app?.close();
      await handle?.close();
    }, 60_000);

    const me = (key: string) => app.inject({ url: '/v1/me', headers: withKey(key) });

    it('creates, uses, lists, gets, deactivates, reactivates, rotates and revokes a key', async (ctx) => {
      if (handle === null) return ctx.skip();
      // create
      const res = await app.inject({
        method: 'POST',
        url: '/v1/secrets/api/keys',
        headers: devHeaders,
        payload: { name: 'ci', type: 'private_key', scopes: ['keys:read', 'keys:write'] },
      });
      expect(res.statusCode).toBe(201);
      const created = body<{ api_key: string; secret: Record<string, unknown> }>(res);
      expect(created.api_key).toMatch(/^[0-9a-f]{64}$/);
      const secret = created.secret;
      expect(Object.keys(secret).sort()).toEqual(API_KEY_FIELDS);
      expect(secret).toMatchObject({
        name: 'ci',
        type: 'private_key',
        provider: 'keyward',
        status: 'active',
        scopes: ['keys:read', 'keys:write'],
        roles: ['keys:read', 'keys:write'],
        tenant_id: DEV_TENANT_ID,
        user_type: 'user',
        expires_at: null,
        last_used_at: null,
      });
      expect(secret.id).toMatch(/^key_/);
      expect((secret.display_id as string).replace(/\*/g, '').length).toBeLessThanOrEqual(8);
      expect(JSON.stringify(secret)).not.toContain(created.api_key);
      expect(new Date(secret.created_at as string).toISOString()).toBe(secret.created_at);
      const key1 = created.api_key;
      const id1 = secret.id as string;

      // use
      const meRes = await me(key1);
      expect(meRes.statusCode).toBe(200);
      expect(body(meRes)).toEqual({
        key_id: id1,
        tenant_id: DEV_TENANT_ID,
        environment_id: secret.environment_id,
        user_id: secret.user_id,
        scopes: ['keys:read', 'keys:write'],
        name: 'ci',
      });

      // list (the new key lists itself: it has keys:read)
      const list = await app.inject({ url: '/v1/secrets/api/keys', headers: withKey(key1) });
      expect(list.statusCode).toBe(200);
      const page = body<{ items: Array<Record<string, unknown>>; pagination: Record<string, number> }>(list);
      expect(page.items.map((k) => k.id)).toContain(id1);
      expect(page.pagination).toEqual({ total: page.items.length, limit: 50, offset: 0, next_cursor: null });

      // get
      const got = await app.inject({ url: `/v1/secrets/api/keys/${id1}`, headers: devHeaders });
      expect(got.statusCode).toBe(200);
      expect(body(got)).toMatchObject({ id: id1, name: 'ci', status: 'active' });

      // deactivate: 403 inactive_api_key
      const off = await app.inject({
        method: 'PATCH',
        url: `/v1/secrets/api/keys/${id1}`,
        headers: devHeaders,
        payload: { active: false },
      });
      expect(off.statusCode).toBe(200);
      expect(body(off).status).toBe('inactive');
      const refused = await me(key1);
      expect(refused.statusCode).toBe(403);
      expect(errorCode(refused)).toBe('inactive_api_key');

      // reactivate and rename
      const on = await app.inject({
        method: 'PATCH',
        url: `/v1/secrets/api/keys/${id1}`,
        headers: devHeaders,
        payload: { active: true, name: 'ci-renamed' },
      });
      expect(on.statusCode).toBe(200);
      expect(body(on)).toMatchObject({ status: 'active', name: 'ci-renamed' });
      expect((await me(key1)).statusCode).toBe(200);

      // rotate with a one-second grace: both work, then the old one is refused
      const rot = await app.inject({
        method: 'POST',
        url: `/v1/secrets/api/keys/${id1}/rotate`,
        headers: devHeaders,
        payload: { grace_period_seconds: 1 },
      });
      expect(rot.statusCode).toBe(201);
      const rotated = body<{ api_key: string; secret: Record<string, unknown> }>(rot);
      expect(rotated.api_key).toMatch(/^[0-9a-f]{64}$/);
      expect(rotated.api_key).not.toBe(key1);
      expect(rotated.secret.id).not.toBe(id1);
      expect(rotated.secret).toMatchObject({ name: 'ci-renamed', scopes: ['keys:read', 'keys:write'] });
      const key2 = rotated.api_key;
      const id2 = rotated.secret.id as string;
      expect((await me(key2)).statusCode).toBe(200);
      expect((await me(key1)).statusCode).toBe(200);
      await waitFor(async () => (await me(key1)).statusCode === 403, 'the grace period to end', {
        timeoutMs: 6000,
        intervalMs: 100,
      });
      expect(errorCode(await me(key1))).toBe('expired_api_key');
      expect((await me(key2)).statusCode).toBe(200);

      // revoke: 401 at once
      const del = await app.inject({ method: 'DELETE', url: `/v1/secrets/api/keys/${id2}`, headers: devHeaders });
      expect(del.statusCode).toBe(204);
      expect(del.body).toBe('');
      const gone = await me(key2);
      expect(gone.statusCode).toBe(401);
      expect(errorCode(gone)).toBe('invalid_api_key');

      // gone from the list and from get
      const after = body<{ items: Array<{ id: string }> }>(
        await app.inject({ url: '/v1/secrets/api/keys?limit=100', headers: devHeaders }),
      );
      expect(after.items.map((k) => k.id)).not.toContain(id2);
      const get2 = await app.inject({ url: `/v1/secrets/api/keys/${id2}`, headers: devHeaders });
      expect(get2.statusCode).toBe(404);
      expect(errorCode(get2)).toBe('not_found');
      const del2 = await app.inject({ method: 'DELETE', url: `/v1/secrets/api/keys/${id2}`, headers: devHeaders });
      expect(del2.statusCode).toBe(404);
    }, 30_000);

    it('pages with limit and offset and a correct total, newest first', async (ctx) => {
      if (handle === null) return ctx.skip();
      const admin = await adminKeyIn(handle.store);
      const ids = [admin.id];
      for (let i = 0; i < 5; i++) ids.push((await createKeyVia(app, admin.key, { name: `k${i}` })).id);
      const seen: string[] = [];
      for (const offset of [0, 2, 4]) {
        const res = await app.inject({
          url: `/v1/secrets/api/keys?limit=2&offset=${offset}`,
          headers: withKey(admin.key),
        });
        expect(res.statusCode).toBe(200);
        const page = body<{ items: Array<{ id: string }>; pagination: unknown }>(res);
        expect(page.pagination).toEqual({
          total: 6,
          limit: 2,
          offset,
          next_cursor: offset === 4 ? null : expect.any(String),
        });
        expect(page.items).toHaveLength(2);
        seen.push(...page.items.map((k) => k.id));
      }
      expect(new Set(seen)).toEqual(new Set(ids));
      const beyond = body<{ items: unknown[]; pagination: { total: number } }>(
        await app.inject({ url: '/v1/secrets/api/keys?offset=50', headers: withKey(admin.key) }),
      );
      expect(beyond.items).toEqual([]);
      expect(beyond.pagination.total).toBe(6);
      // Newest first: the last key made comes first.
      const first = body<{ items: Array<{ id: string }> }>(
        await app.inject({ url: '/v1/secrets/api/keys?limit=1', headers: withKey(admin.key) }),
      );
      expect(first.items[0]?.id).toBe(ids[ids.length - 1]);
    });

    it('pages by cursor: no key repeated or skipped while keys are created between pages', async (ctx) => {
      if (handle === null) return ctx.skip();
      const admin = await adminKeyIn(handle.store);
      for (let i = 0; i < 4; i++) await createKeyVia(app, admin.key, { name: `k${i}` });
      const list = async (query: string) =>
        app.inject({ url: `/v1/secrets/api/keys?${query}`, headers: withKey(admin.key) });
      const before = body<{ items: { id: string }[] }>(await list('limit=100')).items.map((k) => k.id);
      const seen: string[] = [];
      let query = 'limit=2';
      for (let pages = 0; pages < 10; pages++) {
        const res = await list(query);
        expect(res.statusCode).toBe(200);
        const page = body<{ items: { id: string }[]; pagination: { next_cursor: string | null; offset: number } }>(res);
        seen.push(...page.items.map((k) => k.id));
        if (page.pagination.next_cursor === null) break;
        // A key made between pages is newer than the cursor: it shifts no later page.
        await createKeyVia(app, admin.key, { name: 'between' });
        query = `limit=2&cursor=${encodeURIComponent(page.pagination.next_cursor)}`;
      }
      expect(seen).toEqual(before);
      // A cursor pages; an offset beside it would mean two different starts.
      const first = body<{ pagination: { next_cursor: string } }>(await list('limit=1'));
      const both = await list(`cursor=${first.pagination.next_cursor}&offset=1`);
      expect([both.statusCode, errorCode(both)]).toEqual([400, 'validation_error']);
      expect(body<{ error: { message: string } }>(both).error.message).toMatch(/^query\.cursor:/);
    });

    it('honours an Idempotency-Key on create and rotate: one key, the same answer, a reuse refused', async (ctx) => {
      if (handle === null) return ctx.skip();
      const admin = await adminKeyIn(handle.store);
      const idem = randomUUID() + randomUUID();
      const create = (payload: object, key = idem) =>
        app.inject({
          method: 'POST',
          url: '/v1/secrets/api/keys',
          headers: withKey(admin.key, { 'idempotency-key': key }),
          payload,
        });
      const first = await create({ name: 'once', scopes: ['keys:read'] });
      expect(first.statusCode).toBe(201);
      expect(first.headers['idempotent-replayed']).toBeUndefined();
      const again = await create({ name: 'once', scopes: ['keys:read'] });
      expect(again.statusCode).toBe(201);
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(again.headers['cache-control']).toBe('no-store');
      expect(body(again)).toEqual(body(first));
      const listed = body<{ items: { name: string }[] }>(
        await app.inject({ url: '/v1/secrets/api/keys?limit=100', headers: withKey(admin.key) }),
      );
      expect(listed.items.filter((k) => k.name === 'once')).toHaveLength(1);

      const reused = await create({ name: 'twice' });
      expect([reused.statusCode, errorCode(reused)]).toEqual([422, 'idempotency_key_reused']);
      for (const bad of ['short', 'x'.repeat(256), `${'x'.repeat(40)} y`]) {
        const res = await create({ name: 'bad' }, bad);
        expect([res.statusCode, errorCode(res)]).toEqual([400, 'validation_error']);
        expect(body<{ error: { message: string } }>(res).error.message).toMatch(/^headers\.idempotency-key:/);
      }

      // Rotation without grace deletes the old key; its retry still gets the same successor.
      const made = body<{ secret: { id: string } }>(first).secret.id;
      const rotateIdem = randomUUID() + randomUUID();
      const rotate = () =>
        app.inject({
          method: 'POST',
          url: `/v1/secrets/api/keys/${made}/rotate`,
          headers: withKey(admin.key, { 'idempotency-key': rotateIdem }),
        });
      const rotated = await rotate();
      expect(rotated.statusCode).toBe(201);
      const retried = await rotate();
      expect([retried.statusCode, retried.headers['idempotent-replayed']]).toEqual([201, 'true']);
      expect(body(retried)).toEqual(body(rotated));
      // Without the header a rotation of the gone key is still 404.
      const plain = await app.inject({
        method: 'POST',
        url: `/v1/secrets/api/keys/${made}/rotate`,
        headers: withKey(admin.key),
      });
      expect(plain.statusCode).toBe(404);
    });

    it('answers a retried rotation with a grace period from its Idempotency-Key, not with 409', async (ctx) => {
      if (handle === null) return ctx.skip();
      const admin = await adminKeyIn(handle.store);
      const target = await createKeyVia(app, admin.key, { name: 'graceful', scopes: ['keys:read'] });
      const rotate = (idem?: string) =>
        app.inject({
          method: 'POST',
          url: `/v1/secrets/api/keys/${target.id}/rotate`,
          headers: withKey(admin.key, idem === undefined ? {} : { 'idempotency-key': idem }),
          payload: { grace_period_seconds: 3600 },
        });
      const idem = randomUUID() + randomUUID();
      const rotated = await rotate(idem);
      expect(rotated.statusCode).toBe(201);
      // The old key now has its successor: a new rotation of it is refused...
      const plain = await rotate();
      expect([plain.statusCode, errorCode(plain)]).toEqual([409, 'conflict']);
      const other = await rotate(randomUUID() + randomUUID());
      expect([other.statusCode, errorCode(other)]).toEqual([409, 'conflict']);
      // ...but the retry of the first, its response lost, gets that successor back.
      const retried = await rotate(idem);
      expect([retried.statusCode, retried.headers['idempotent-replayed']]).toEqual([201, 'true']);
      expect(body(retried)).toEqual(body(rotated));
      const listed = body<{ items: { name: string }[] }>(
        await app.inject({ url: '/v1/secrets/api/keys?limit=100', headers: withKey(admin.key) }),
      );
      expect(listed.items.filter((k) => k.name === 'graceful')).toHaveLength(2);
    });

    it('replays a rotation only to a key that holds its scopes', async (ctx) => {
      if (handle === null) return ctx.skip();
      const admin = await adminKeyIn(handle.store);
      const writer = await createKeyVia(app, admin.key, { name: 'writer', scopes: ['keys:write'] });
      const target = await createKeyVia(app, admin.key, { name: 'target', scopes: ['keys:read', 'billing'] });
      const idem = randomUUID() + randomUUID();
      const rotate = (key: string) =>
        app.inject({
          method: 'POST',
          url: `/v1/secrets/api/keys/${target.id}/rotate`,
          headers: withKey(key, { 'idempotency-key': idem }),
        });
      expect((await rotate(admin.key)).statusCode).toBe(201);
      // The old key is gone; a key without its scopes must not get its successor by replay.
      const stolen = await rotate(writer.key);
      expect([stolen.statusCode, errorCode(stolen)]).toEqual([403, 'insufficient_scope']);
      expect(stolen.body).not.toMatch(/[0-9a-f]{64}/);
    });

    it('refuses a bad query or body with 400 validation_error naming the field', async (ctx) => {
      if (handle === null) return ctx.skip();
      const cases: Array<[string, string, unknown, string]> = [
        ['GET', '/v1/secrets/api/keys?limit=0', undefined, 'query.limit'],
        ['GET', '/v1/secrets/api/keys?limit=101', undefined, 'query.limit'],
        ['GET', '/v1/secrets/api/keys?limit=abc', undefined, 'query.limit'],
        ['GET', '/v1/secrets/api/keys?offset=-1', undefined, 'query.offset'],
        ['GET', '/v1/secrets/api/keys?cursor=nope', undefined, 'query.cursor'],
        ['GET', '/v1/secrets/api/keys?cursor=', undefined, 'query.cursor'],
        ['POST', '/v1/secrets/api/keys', {}, 'body.name'],
        ['POST', '/v1/secrets/api/keys', { name: '' }, 'body.name'],
        ['POST', '/v1/secrets/api/keys', { name: 'x', type: 'public_key' }, 'body.type'],
        ['POST', '/v1/secrets/api/keys', { name: 'x', expires_at: 'tomorrow' }, 'body.expires_at'],
        ['POST', '/v1/secrets/api/keys', { name: 'x', expires_at: '2001-01-01T00:00:00Z' }, 'body.expires_at'],
        ['POST', '/v1/secrets/api/keys', { name: 'x', scopes: 'keys:read' }, 'body.scopes'],
        ['POST', '/v1/secrets/api/keys', { name: 'x', scopes: ['has space'] }, 'body.scopes.0'],
        ['POST', '/v1/secrets/api/keys', { name: 'x', expire_at: null }, 'body.expire_at'],
        ['PATCH', '/v1/secrets/api/keys/key_x', { active: 'yes' }, 'body.active'],
        ['PATCH', '/v1/secrets/api/keys/key_x', {}, 'body'],
        [
          'POST',
          '/v1/secrets/api/keys/key_x/rotate',
          { grace_period_seconds: 30 * 24 * 3600 + 1 },
          'body.grace_period_seconds',
        ],
        ['POST', '/v1/secrets/api/keys/key_x/rotate', { grace_period_seconds: -1 }, 'body.grace_period_seconds'],
        ['POST', '/v1/secrets/api/keys/key_x/rotate', { grace_period_seconds: 1.5 }, 'body.grace_period_seconds'],
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
        expect(res.headers['content-type']).toMatch(/^application\/json/);
      }
    });

    it('answers malformed JSON, unknown routes and missing keys in the one error body', async (ctx) => {
      if (handle === null) return ctx.skip();
      const bad = await app.inject({
        method: 'POST',
        url: '/v1/secrets/api/keys',
        headers: { ...devHeaders, 'content-type': 'application/json' },
        payload: `{"name": "${DEV_API_KEY}`,
      });
      expect(bad.statusCode).toBe(400);
      expect(body(bad)).toEqual({ error: { code: 'validation_error', message: 'body: not valid JSON' } });
      const text = await app.inject({
        method: 'POST',
        url: '/v1/secrets/api/keys',
        headers: { ...devHeaders, 'content-type': 'text/plain' },
        payload: 'name=x',
      });
      expect(text.statusCode).toBe(400);
      expect(errorCode(text)).toBe('validation_error');
      const unknown = await app.inject({ url: '/v1/nothing-here', headers: devHeaders });
      expect(unknown.statusCode).toBe(404);
      expect(body(unknown)).toEqual({ error: { code: 'not_found', message: 'Not found' } });
      const missing = await app.inject({ url: '/v1/secrets/api/keys' });
      expect(missing.statusCode).toBe(401);
      expect(body(missing)).toEqual({ error: { code: 'missing_api_key', message: 'Missing API key' } });
      const health = await app.inject({ url: '/health' });
      expect(health.statusCode).toBe(200);
      expect(body(health)).toEqual({ status: 'ok' });
    });

    it('rotates with an empty body (no grace: the old key stops at once)', async (ctx) => {
      if (handle === null) return ctx.skip();
      const made = await createKeyVia(app, DEV_API_KEY, { name: 'to-rotate' });
      const rot = await app.inject({
        method: 'POST',
        url: `/v1/secrets/api/keys/${made.id}/rotate`,
        headers: { ...devHeaders, 'content-type': 'application/json' },
        payload: '',
      });
      expect(rot.statusCode).toBe(201);
      expect((await me(made.key)).statusCode).toBe(401);
      expect((await me(body<{ api_key: string }>(rot).api_key)).statusCode).toBe(200);
    });

    it('answers 409 conflict to rotating a key twice, a deactivated key or an expired key', async (ctx) => {
      if (handle === null) return ctx.skip();
      const rotate = (id: string, payload: object = {}) =>
        app.inject({ method: 'POST', url: `/v1/secrets/api/keys/${id}/rotate`, headers: devHeaders, payload });
      const refused = async (id: string, why: RegExp) => {
        const res = await rotate(id, { grace_period_seconds: 60 });
        expect([res.statusCode, errorCode(res)]).toEqual([409, 'conflict']);
        expect(body<{ error: { message: string } }>(res).error.message).toMatch(why);
        expect(res.headers['cache-control']).not.toBe('no-store');
      };
      const twice = await createKeyVia(app, DEV_API_KEY, { name: 'rotate-twice' });
      const first = await rotate(twice.id, { grace_period_seconds: 60 });
      expect(first.statusCode).toBe(201);
      await refused(twice.id, /already rotated/);
      const off = await createKeyVia(app, DEV_API_KEY, { name: 'rotate-off' });
      const patched = await app.inject({
        method: 'PATCH',
        url: `/v1/secrets/api/keys/${off.id}`,
        headers: devHeaders,
        payload: { active: false },
      });
      expect(patched.statusCode).toBe(200);
      await refused(off.id, /inactive/);
      // The API refuses a past expires_at, so an expired key of the development user is made in the store.
      const expired = await handle.store.create({
        tenantId: DEV_TENANT_ID,
        environmentId: DEV_ENVIRONMENT_ID,
        userId: DEV_USER_ID,
        name: 'rotate-expired',
        expiresAt: new Date(Date.now() - 1000),
      });
      await refused(expired.apiKey.id, /expired/);
      // One successor each, and nothing brought back: the refused keys still refuse.
      const names = body<{ items: Array<{ name: string; status: string }> }>(
        await app.inject({ url: '/v1/secrets/api/keys?limit=100', headers: devHeaders }),
      ).items.filter((k) => k.name.startsWith('rotate-'));
      expect(names.map((k) => `${k.name} ${k.status}`).sort()).toEqual([
        'rotate-expired expired',
        'rotate-off inactive',
        'rotate-twice active',
        'rotate-twice active',
      ]);
      expect(errorCode(await me(off.key))).toBe('inactive_api_key');
      expect(errorCode(await me(expired.key))).toBe('expired_api_key');
    });

    it('creates a key with a future expiry that is refused once past it', async (ctx) => {
      if (handle === null) return ctx.skip();
      const expiresAt = new Date(Date.now() + 1500).toISOString();
      const made = await createKeyVia(app, DEV_API_KEY, { name: 'short', expires_at: expiresAt });
      expect(made.secret.expires_at).toBe(expiresAt);
      expect(made.secret.status).toBe('active');
      await waitFor(async () => errorCode(await me(made.key)) === 'expired_api_key', 'the key to expire', {
        timeoutMs: 6000,
        intervalMs: 100,
      });
      // The API says so too: an expired key is not shown as active.
      const listed = await app.inject({ url: '/v1/secrets/api/keys', headers: devHeaders });
      const row = body<{ items: { id: string; status: string }[] }>(listed).items.find((item) => item.id === made.id);
      expect(row?.status).toBe('expired');
      const got = await app.inject({ url: `/v1/secrets/api/keys/${made.id}`, headers: devHeaders });
      expect(body(got).status).toBe('expired');
    });

    it('serves the API on a real socket', async (ctx) => {
      if (handle === null) return ctx.skip();
      const live = createApp({ storage: handle.storage, devKey: true, failureLimit: false });
      const url = await live.listen({ port: 0, host: '127.0.0.1' });
      try {
        const created = await fetch(`${url}/v1/secrets/api/keys`, {
          method: 'POST',
          headers: { ...devHeaders, 'content-type': 'application/json' },
          body: JSON.stringify({ name: 'socket' }),
        });
        expect(created.status).toBe(201);
        expect(created.headers.get('x-request-id')).toBeTruthy();
        const { api_key: key, secret } = (await created.json()) as { api_key: string; secret: { id: string } };
        const ok = await fetch(`${url}/v1/me`, { headers: withKey(key) });
        expect(ok.status).toBe(200);
        const del = await fetch(`${url}/v1/secrets/api/keys/${secret.id}`, { method: 'DELETE', headers: devHeaders });
        expect(del.status).toBe(204);
        const after = await fetch(`${url}/v1/me`, { headers: withKey(key) });
        expect(after.status).toBe(401);
        expect(after.headers.get('content-type')).toMatch(/^application\/json/);
        expect(await after.json()).toEqual({ error: { code: 'invalid_api_key', message: 'Invalid API key' } });
      } finally {
        await live.close();
      }
    });
  });
}

import { MemoryKeyStore } from '@keyward/core';
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { body, createKeyVia, errorCode, memoryStorage, withKey } from './helpers.js';

// Scopes: keys:read lists and reads, keys:write changes; a key never hands out more than it has.

describe('privilege', () => {
  const store = new MemoryKeyStore();
  let app: FastifyInstance;
  const scope = { tenantId: 't1', environmentId: 'prod' };
  const make = async (scopes: string[], name = 'k') => (await store.create({ ...scope, name, scopes })).key;

  beforeAll(async () => {
    app = createApp({ storage: memoryStorage(store), failureLimit: false });
    await app.ready();
  });
  afterAll(() => app.close());

  it('a keys:read key lists and reads but cannot create, change, rotate or revoke', async () => {
    const reader = await make(['keys:read']);
    const target = await store.create({ ...scope, name: 'target', scopes: [] });
    const id = target.apiKey.id;
    expect((await app.inject({ url: '/v1/secrets/api/keys', headers: withKey(reader) })).statusCode).toBe(200);
    expect((await app.inject({ url: `/v1/secrets/api/keys/${id}`, headers: withKey(reader) })).statusCode).toBe(200);
    const writes = [
      await app.inject({
        method: 'POST',
        url: '/v1/secrets/api/keys',
        headers: withKey(reader),
        payload: { name: 'x' },
      }),
      await app.inject({
        method: 'PATCH',
        url: `/v1/secrets/api/keys/${id}`,
        headers: withKey(reader),
        payload: { active: false },
      }),
      await app.inject({
        method: 'POST',
        url: `/v1/secrets/api/keys/${id}/rotate`,
        headers: withKey(reader),
        payload: {},
      }),
      await app.inject({ method: 'DELETE', url: `/v1/secrets/api/keys/${id}`, headers: withKey(reader) }),
    ];
    for (const res of writes) expect([res.statusCode, errorCode(res)]).toEqual([403, 'insufficient_scope']);
    expect((await store.get(scope, id))?.active).toBe(true);
  });

  it('a keys:write key without keys:read cannot list or read', async () => {
    const writer = await make(['keys:write']);
    const list = await app.inject({ url: '/v1/secrets/api/keys', headers: withKey(writer) });
    expect([list.statusCode, errorCode(list)]).toEqual([403, 'insufficient_scope']);
    const me = await app.inject({ url: '/v1/me', headers: withKey(writer) });
    expect(me.statusCode).toBe(200);
  });

  it('a key cannot create a key with scopes it does not have', async () => {
    const writer = await make(['keys:read', 'keys:write']);
    for (const scopes of [['*'], ['billing:read'], ['keys:read', 'admin']]) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/secrets/api/keys',
        headers: withKey(writer),
        payload: { name: 'x', scopes },
      });
      expect([res.statusCode, errorCode(res)]).toEqual([403, 'insufficient_scope']);
    }
    const narrower = await createKeyVia(app, writer, { name: 'reader', scopes: ['keys:read'] });
    expect(narrower.secret.scopes).toEqual(['keys:read']);
    const none = await createKeyVia(app, writer, { name: 'nothing', scopes: [] });
    expect(none.secret.scopes).toEqual([]);
  });

  it('gives a new key the creator’s scopes by default', async () => {
    const writer = await make(['keys:write', 'reports:read']);
    const made = await createKeyVia(app, writer, { name: 'default' });
    expect(made.secret.scopes).toEqual(['keys:write', 'reports:read']);
    const admin = await make(['*']);
    expect((await createKeyVia(app, admin, { name: 'default' })).secret.scopes).toEqual(['*']);
  });

  it('a key cannot rotate a key whose scopes it does not hold (no way round the subset rule)', async () => {
    const writer = await make(['keys:write']);
    const admin = await store.create({ ...scope, name: 'admin', scopes: ['*'] });
    const res = await app.inject({
      method: 'POST',
      url: `/v1/secrets/api/keys/${admin.apiKey.id}/rotate`,
      headers: withKey(writer),
      payload: {},
    });
    expect([res.statusCode, errorCode(res)]).toEqual([403, 'insufficient_scope']);
    expect(await store.get(scope, admin.apiKey.id)).not.toBeNull();
    const own = await store.create({ ...scope, name: 'sub', scopes: ['keys:write'] });
    const ok = await app.inject({
      method: 'POST',
      url: `/v1/secrets/api/keys/${own.apiKey.id}/rotate`,
      headers: withKey(writer),
    });
    expect(ok.statusCode).toBe(201);
  });

  it('a key cannot rotate a key of another user, or of none when it has one: no plaintext acting as someone else', async () => {
    const u1Admin = await store.create({ ...scope, name: 'u1 admin', userId: 'u1', scopes: ['*'] });
    const serviceAdmin = await store.create({ ...scope, name: 'service admin', scopes: ['*'] });
    const u2Key = await store.create({ ...scope, name: 'u2 key', userId: 'u2', scopes: ['keys:read'] });
    const serviceKey = await store.create({ ...scope, name: 'service key', scopes: [] });
    const rotate = (key: string, id: string) =>
      app.inject({ method: 'POST', url: `/v1/secrets/api/keys/${id}/rotate`, headers: withKey(key), payload: {} });
    const cases: [string, typeof u2Key][] = [
      [u1Admin.key, u2Key],
      [serviceAdmin.key, u2Key],
      [u1Admin.key, serviceKey],
    ];
    for (const [caller, target] of cases) {
      const res = await rotate(caller, target.apiKey.id);
      expect([res.statusCode, errorCode(res)]).toEqual([403, 'insufficient_scope']);
      expect(body<{ error: { message: string } }>(res).error.message).toMatch(/user/);
      expect(res.body).not.toMatch(/[0-9a-f]{64}/);
      expect(await store.get(scope, target.apiKey.id)).toMatchObject({ active: true, expiresAt: null });
    }
    const u1Key = await store.create({ ...scope, name: 'u1 key', userId: 'u1', scopes: ['keys:read'] });
    const own = await rotate(u1Admin.key, u1Key.apiKey.id);
    expect(own.statusCode).toBe(201);
    expect(body<{ secret: { user_id: string | null } }>(own).secret.user_id).toBe('u1');
    const service = await rotate(serviceAdmin.key, serviceKey.apiKey.id);
    expect(service.statusCode).toBe(201);
    expect(body<{ secret: { user_id: string | null } }>(service).secret.user_id).toBeNull();
  });

  it('reactivating a key needs every scope it holds and its user, as creating it would', async () => {
    const writer = await make(['keys:write']);
    const patch = (id: string, payload: object) =>
      app.inject({ method: 'PATCH', url: `/v1/secrets/api/keys/${id}`, headers: withKey(writer), payload });
    const star = await store.create({ ...scope, name: 'star', scopes: ['*'] });
    const other = await store.create({ ...scope, name: 'other user', userId: 'u2', scopes: [] });
    for (const target of [star, other]) {
      // Deactivating and renaming need only keys:write.
      expect((await patch(target.apiKey.id, { active: false, name: `${target.apiKey.name} off` })).statusCode).toBe(
        200,
      );
      for (const payload of [{ active: true }, { active: true, name: 'renamed too' }]) {
        const res = await patch(target.apiKey.id, payload);
        expect([res.statusCode, errorCode(res)]).toEqual([403, 'insufficient_scope']);
      }
      expect(await store.get(scope, target.apiKey.id)).toMatchObject({
        active: false,
        name: `${target.apiKey.name} off`,
      });
    }
    const mine = await store.create({ ...scope, name: 'mine', scopes: ['keys:write'] });
    expect((await patch(mine.apiKey.id, { active: false })).statusCode).toBe(200);
    const back = await patch(mine.apiKey.id, { active: true });
    expect([back.statusCode, body(back).status]).toEqual([200, 'active']);
  });

  it('creation succeeds exactly when the requested scopes are a subset of the creator’s', async () => {
    const universe = ['keys:read', 'keys:write', 'a', 'b', '*'];
    const keyFor = new Map<string, string>();
    await fc.assert(
      fc.asyncProperty(fc.subarray(universe), fc.subarray(universe), async (granted, requested) => {
        const id = [...granted].sort().join(',');
        let creator = keyFor.get(id);
        if (creator === undefined) {
          creator = await make([...granted, 'keys:write']);
          keyFor.set(id, creator);
        }
        const res = await app.inject({
          method: 'POST',
          url: '/v1/secrets/api/keys',
          headers: withKey(creator),
          payload: { name: 'p', scopes: requested },
        });
        const have = [...granted, 'keys:write'];
        const allowed = have.includes('*') || requested.every((s) => have.includes(s));
        expect(res.statusCode).toBe(allowed ? 201 : 403);
        if (allowed)
          expect([...body<{ secret: { scopes: string[] } }>(res).secret.scopes].sort()).toEqual(
            [...new Set(requested)].sort(),
          );
      }),
      { numRuns: 60 },
    );
  });
});

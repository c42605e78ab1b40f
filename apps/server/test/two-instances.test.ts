import { waitFor } from '@keyward/test-kit/wait-for';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { adminKeyIn } from './api-suite.js';
import { body, createKeyVia, errorCode, postgresStore, type StoreFactory, withKey } from './helpers.js';

// Two server instances on one PostgreSQL database act as one service (DESIGN.md section 5).

describe('two instances on one PostgreSQL', () => {
  let handle: Awaited<ReturnType<StoreFactory>>;
  let a: FastifyInstance;
  let b: FastifyInstance;

  beforeAll(async () => {
    handle = await postgresStore();
    if (handle === null || !handle.reopen) return;
    a = createApp({ storage: handle.storage, failureLimit: false });
    b = createApp({ storage: await handle.reopen(), failureLimit: false });
    await Promise.all([a.ready(), b.ready()]);
  }, 60_000);
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await handle?.close();
  });

  it('sees on B a key created on A, and refuses it on B soon after A revokes it', async (ctx) => {
    if (handle === null) return ctx.skip();
    const admin = await adminKeyIn(handle.store);
    const made = await createKeyVia(a, admin.key, { name: 'shared' });
    const onB = await b.inject({ url: '/v1/me', headers: withKey(made.key) });
    expect(onB.statusCode).toBe(200);
    expect(body(onB).key_id).toBe(made.id);
    // Used twice on B so that B's verification cache certainly holds it.
    expect((await b.inject({ url: '/v1/me', headers: withKey(made.key) })).statusCode).toBe(200);

    const del = await a.inject({
      method: 'DELETE',
      url: `/v1/secrets/api/keys/${made.id}`,
      headers: withKey(admin.key),
    });
    expect(del.statusCode).toBe(204);
    const started = Date.now();
    await waitFor(
      async () => (await b.inject({ url: '/v1/me', headers: withKey(made.key) })).statusCode === 401,
      'the revocation to reach B',
      { timeoutMs: 5000 },
    );
    console.log(`revocation on A reached B after ~${Date.now() - started} ms`);
    expect(errorCode(await b.inject({ url: '/v1/me', headers: withKey(made.key) }))).toBe('invalid_api_key');
  });

  it('sees a deactivation made on A from B', async (ctx) => {
    if (handle === null) return ctx.skip();
    const admin = await adminKeyIn(handle.store);
    const made = await createKeyVia(a, admin.key, { name: 'toggle' });
    expect((await b.inject({ url: '/v1/me', headers: withKey(made.key) })).statusCode).toBe(200);
    await a.inject({
      method: 'PATCH',
      url: `/v1/secrets/api/keys/${made.id}`,
      headers: withKey(admin.key),
      payload: { active: false },
    });
    await waitFor(
      async () => errorCode(await b.inject({ url: '/v1/me', headers: withKey(made.key) })) === 'inactive_api_key',
      'the deactivation to reach B',
      { timeoutMs: 5000 },
    );
  });
});

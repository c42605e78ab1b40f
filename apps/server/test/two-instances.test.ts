import { signWebhook } from '@keyward/core';
import { waitFor } from '@keyward/test-kit/wait-for';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { adminKeyIn } from './api-suite.js';
import { body, createKeyVia, errorCode, postgresStore, type StoreFactory, withKey } from './helpers.js';

// Two server instances on one PostgreSQL database act as one service (docs/server.md): keys,
// portal sessions and webhook deliveries alike.

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

  it('refuses on B a portal session revoked on A, and one logged out on B on A', async (ctx) => {
    if (handle === null) return ctx.skip();
    const admin = await adminKeyIn(handle.store);
    const mint = async () =>
      body<{ token: string; session_id: string }>(
        await a.inject({
          method: 'POST',
          url: '/v1/portal/sessions',
          headers: withKey(admin.key),
          payload: { customer_id: 'cus_shared' },
        }),
      );
    const me = (app: FastifyInstance, token: string) =>
      app.inject({ url: '/v1/portal/me', headers: { 'x-session-token': token } });

    const revoked = await mint();
    // Used twice on B so that B's session cache certainly holds it.
    expect((await me(b, revoked.token)).statusCode).toBe(200);
    expect(body(await me(b, revoked.token)).session_id).toBe(revoked.session_id);
    const del = await a.inject({
      method: 'DELETE',
      url: `/v1/portal/sessions/${revoked.session_id}`,
      headers: withKey(admin.key),
    });
    expect(del.statusCode).toBe(204);
    await waitFor(async () => (await me(b, revoked.token)).statusCode === 401, 'the session revocation to reach B', {
      timeoutMs: 5000,
    });
    expect(errorCode(await me(b, revoked.token))).toBe('invalid_session_token');

    const loggedOut = await mint();
    expect((await me(a, loggedOut.token)).statusCode).toBe(200);
    expect((await me(a, loggedOut.token)).statusCode).toBe(200);
    const out = await b.inject({
      method: 'DELETE',
      url: '/v1/portal/sessions/current',
      headers: { 'x-session-token': loggedOut.token },
    });
    expect(out.statusCode).toBe(204);
    await waitFor(async () => (await me(a, loggedOut.token)).statusCode === 401, 'the log-out to reach A', {
      timeoutMs: 5000,
    });
  });

  it('refuses on B, as a replay, a webhook-id delivered on A', async (ctx) => {
    if (handle === null) return ctx.skip();
    const admin = await adminKeyIn(handle.store);
    const endpoint = body<{ id: string; secret: string }>(
      await a.inject({ method: 'POST', url: '/v1/webhooks/endpoints', headers: withKey(admin.key), payload: {} }),
    );
    const url = `/v1/webhooks/${admin.tenantId}/${admin.environmentId}/${endpoint.id}`;
    const payload = '{"type":"invoice.paid"}';
    const headers = { ...signWebhook({ id: 'msg_once', payload, secret: endpoint.secret }) };
    const first = await a.inject({ method: 'POST', url, headers, payload });
    expect(first.statusCode).toBe(204);
    const replay = await b.inject({ method: 'POST', url, headers, payload });
    expect([replay.statusCode, errorCode(replay)]).toEqual([409, 'conflict']);
    // And the other way round, with a message B saw first.
    const other = { ...signWebhook({ id: 'msg_b_first', payload, secret: endpoint.secret }) };
    expect((await b.inject({ method: 'POST', url, headers: other, payload })).statusCode).toBe(204);
    expect(errorCode(await a.inject({ method: 'POST', url, headers: other, payload }))).toBe('conflict');
    // A secret rotated on A verifies on B at once: the endpoint is read from the database per delivery.
    const rotated = body<{ secret: string }>(
      await a.inject({
        method: 'POST',
        url: `/v1/webhooks/endpoints/${endpoint.id}/rotate-secret`,
        headers: withKey(admin.key),
        payload: { grace_period_seconds: 0 },
      }),
    );
    const fresh = { ...signWebhook({ id: 'msg_rotated', payload, secret: rotated.secret }) };
    expect((await b.inject({ method: 'POST', url, headers: fresh, payload })).statusCode).toBe(204);
    const stale = { ...signWebhook({ id: 'msg_stale', payload, secret: endpoint.secret }) };
    expect(errorCode(await b.inject({ method: 'POST', url, headers: stale, payload }))).toBe('invalid_signature');
  });
});

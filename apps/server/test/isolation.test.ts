import { hashSessionToken, type ManagedKeyStore, signWebhook } from '@keyward/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { body, createKeyVia, errorCode, memoryStore, postgresStore, type StoreFactory, withKey } from './helpers.js';

// Three tenants by two environments, each with an admin key made straight in the store: no
// list, get, update, rotate or revoke crosses a boundary, of a key, a portal session or a
// webhook endpoint, and every attempt is a plain 404.

interface Cell {
  tenantId: string;
  environmentId: string;
  admin: string;
  victimKey: string;
  victimId: string;
  sessionToken: string;
  sessionId: string;
  endpointId: string;
  endpointSecret: string;
}

function describeIsolation(name: string, makeStore: StoreFactory) {
  describe(`tenant and environment isolation on ${name}`, () => {
    let handle: Awaited<ReturnType<StoreFactory>>;
    let app: FastifyInstance;
    const cells: Cell[] = [];

    beforeAll(async () => {
      handle = await makeStore();
      if (handle === null) return;
      const store: ManagedKeyStore = handle.store;
      app = createApp({ storage: handle.storage, failureLimit: false });
      for (const tenantId of ['acme', 'globex', 'initech']) {
        for (const environmentId of ['prod', 'dev']) {
          const { key: admin } = await store.create({ tenantId, environmentId, name: 'admin', scopes: ['*'] });
          const victim = await createKeyVia(app, admin, { name: `${tenantId}-${environmentId}` });
          const session = body<{ token: string; session_id: string }>(
            await app.inject({
              method: 'POST',
              url: '/v1/portal/sessions',
              headers: withKey(admin),
              payload: { customer_id: `cus_${tenantId}` },
            }),
          );
          const endpoint = body<{ id: string; secret: string }>(
            await app.inject({
              method: 'POST',
              url: '/v1/webhooks/endpoints',
              headers: withKey(admin),
              payload: { name: `${tenantId}-${environmentId}` },
            }),
          );
          cells.push({
            tenantId,
            environmentId,
            admin,
            victimKey: victim.key,
            victimId: victim.id,
            sessionToken: session.token,
            sessionId: session.session_id,
            endpointId: endpoint.id,
            endpointSecret: endpoint.secret,
          });
        }
      }
    }, 120_000);
    afterAll(async () => {
      await app?.close();
      await handle?.close();
    });

    it('lists only the keys of the caller’s own tenant and environment', async (ctx) => {
      if (handle === null) return ctx.skip();
      for (const cell of cells) {
        const res = await app.inject({ url: '/v1/secrets/api/keys', headers: withKey(cell.admin) });
        const page = body<{
          items: Array<{ id: string; tenant_id: string; environment_id: string }>;
          pagination: { total: number };
        }>(res);
        expect(page.pagination.total).toBe(2);
        for (const item of page.items) {
          expect([item.tenant_id, item.environment_id]).toEqual([cell.tenantId, cell.environmentId]);
        }
        expect(page.items.map((i) => i.id)).toContain(cell.victimId);
      }
    });

    it('answers 404 not_found to every get, update, rotate and revoke across a boundary', async (ctx) => {
      if (handle === null) return ctx.skip();
      for (const actor of cells) {
        for (const target of cells) {
          if (actor === target) continue;
          const url = `/v1/secrets/api/keys/${target.victimId}`;
          const attempts = [
            await app.inject({ method: 'GET', url, headers: withKey(actor.admin) }),
            await app.inject({ method: 'PATCH', url, headers: withKey(actor.admin), payload: { active: false } }),
            await app.inject({ method: 'PATCH', url, headers: withKey(actor.admin), payload: { name: 'owned' } }),
            await app.inject({ method: 'POST', url: `${url}/rotate`, headers: withKey(actor.admin), payload: {} }),
            await app.inject({ method: 'DELETE', url, headers: withKey(actor.admin) }),
          ];
          for (const res of attempts) {
            expect([res.statusCode, errorCode(res)]).toEqual([404, 'not_found']);
            expect(body(res)).toEqual({ error: { code: 'not_found', message: 'API key not found' } });
          }
        }
      }
      // Nothing changed: every victim still works under its own name, and its own admin sees it.
      for (const cell of cells) {
        const me = await app.inject({ url: '/v1/me', headers: withKey(cell.victimKey) });
        expect(me.statusCode).toBe(200);
        expect(body(me)).toMatchObject({ tenant_id: cell.tenantId, environment_id: cell.environmentId });
        const got = await app.inject({ url: `/v1/secrets/api/keys/${cell.victimId}`, headers: withKey(cell.admin) });
        expect(body(got)).toMatchObject({ name: `${cell.tenantId}-${cell.environmentId}`, status: 'active' });
      }
      // A missing id and another scope's id get the very same answer.
      const missing = await app.inject({
        url: '/v1/secrets/api/keys/key_000000000000000000000000',
        headers: withKey(cells[0]?.admin ?? ''),
      });
      expect(body(missing)).toEqual({ error: { code: 'not_found', message: 'API key not found' } });
    }, 60_000);

    it('answers 404 not_found to every revoke of another tenant’s or environment’s portal session', async (ctx) => {
      if (handle === null) return ctx.skip();
      for (const actor of cells) {
        for (const target of cells) {
          if (actor === target) continue;
          const res = await app.inject({
            method: 'DELETE',
            url: `/v1/portal/sessions/${target.sessionId}`,
            headers: withKey(actor.admin),
          });
          expect([res.statusCode, body(res)]).toEqual([
            404,
            { error: { code: 'not_found', message: 'Portal session not found' } },
          ]);
        }
      }
      // Every session still works, acting for its own customer in its own scope.
      for (const cell of cells) {
        const me = await app.inject({ url: '/v1/portal/me', headers: { 'x-session-token': cell.sessionToken } });
        expect([me.statusCode, body(me)]).toEqual([
          200,
          expect.objectContaining({
            session_id: cell.sessionId,
            customer_id: `cus_${cell.tenantId}`,
            tenant_id: cell.tenantId,
            environment_id: cell.environmentId,
          }),
        ]);
        const stored = await handle.storage.sessions.findSessionByHash(hashSessionToken(cell.sessionToken));
        expect(stored).toMatchObject({
          id: cell.sessionId,
          tenantId: cell.tenantId,
          environmentId: cell.environmentId,
          customerId: `cus_${cell.tenantId}`,
        });
      }
    }, 60_000);

    it('lists only the caller’s webhook endpoints, and answers 404 to every delete, rotation, deliveries listing or delivery across a boundary', async (ctx) => {
      if (handle === null) return ctx.skip();
      for (const cell of cells) {
        const res = await app.inject({ url: '/v1/webhooks/endpoints', headers: withKey(cell.admin) });
        const items = body<{ items: Array<{ id: string; name: string }> }>(res).items;
        expect(items.map((e) => [e.id, e.name])).toEqual([[cell.endpointId, `${cell.tenantId}-${cell.environmentId}`]]);
      }
      const notFound = { error: { code: 'not_found', message: 'Webhook endpoint not found' } };
      for (const actor of cells) {
        for (const target of cells) {
          if (actor === target) continue;
          const url = `/v1/webhooks/endpoints/${target.endpointId}`;
          const attempts = [
            await app.inject({ url: `${url}/deliveries`, headers: withKey(actor.admin) }),
            await app.inject({
              method: 'POST',
              url: `${url}/rotate-secret`,
              headers: withKey(actor.admin),
              payload: { grace_period_seconds: 0 },
            }),
            await app.inject({ method: 'DELETE', url, headers: withKey(actor.admin) }),
          ];
          for (const res of attempts) expect([res.statusCode, body(res)]).toEqual([404, notFound]);
        }
      }
      // A delivery signed with an endpoint's own secret but sent under another tenant's or
      // environment's URL names nothing: 404, exactly like a missing endpoint.
      const payload = '{"type":"probe"}';
      for (const target of cells) {
        const headers = { ...signWebhook({ id: 'msg_probe', payload, secret: target.endpointSecret }) };
        for (const under of cells) {
          if (under === target) continue;
          for (const url of [
            `/v1/webhooks/${under.tenantId}/${under.environmentId}/${target.endpointId}`,
            `/v1/webhooks/${under.tenantId}/${target.environmentId}/${target.endpointId}`,
            `/v1/webhooks/${target.tenantId}/${under.environmentId}/${target.endpointId}`,
          ]) {
            if (url === `/v1/webhooks/${target.tenantId}/${target.environmentId}/${target.endpointId}`) continue;
            const res = await app.inject({ method: 'POST', url, headers, payload });
            expect([url, res.statusCode, body(res)]).toEqual([
              url,
              404,
              { error: { code: 'not_found', message: 'Not found' } },
            ]);
          }
        }
      }
      // Nothing changed: each endpoint is there with its one original secret and no delivery,
      // and its own URL takes the very delivery the others refused.
      for (const cell of cells) {
        const url = `/v1/webhooks/${cell.tenantId}/${cell.environmentId}/${cell.endpointId}`;
        const headers = { ...signWebhook({ id: 'msg_probe', payload, secret: cell.endpointSecret }) };
        const deliveries = await app.inject({
          url: `/v1/webhooks/endpoints/${cell.endpointId}/deliveries`,
          headers: withKey(cell.admin),
        });
        expect(body<{ pagination: { total: number } }>(deliveries).pagination.total).toBe(0);
        expect((await app.inject({ method: 'POST', url, headers, payload })).statusCode).toBe(204);
      }
      for (const cell of cells) {
        const scope = { tenantId: cell.tenantId, environmentId: cell.environmentId };
        const stored = await handle.storage.webhooks.findEndpoint(scope, cell.endpointId, new Date());
        expect(stored?.secrets.map((s) => s.secret)).toEqual([cell.endpointSecret]);
      }
      // A missing id and another scope's id get the very same answer.
      const missing = await app.inject({
        url: '/v1/webhooks/endpoints/whe_000000000000000000000000/deliveries',
        headers: withKey(cells[0]?.admin ?? ''),
      });
      expect([missing.statusCode, body(missing)]).toEqual([404, notFound]);
    }, 60_000);

    it('creates keys only in the caller’s tenant and environment', async (ctx) => {
      if (handle === null) return ctx.skip();
      const cell = cells[3] as Cell;
      const made = await createKeyVia(app, cell.admin, { name: 'child' });
      expect(made.secret).toMatchObject({ tenant_id: cell.tenantId, environment_id: cell.environmentId });
      const spoof = await app.inject({
        method: 'POST',
        url: '/v1/secrets/api/keys',
        headers: withKey(cell.admin),
        payload: { name: 'x', tenant_id: 'acme' },
      });
      expect(spoof.statusCode).toBe(400);
    });

    it('refuses a key sent with another environment in X-Environment-ID', async (ctx) => {
      if (handle === null) return ctx.skip();
      const cell = cells.find((c) => c.environmentId === 'prod') as Cell;
      const res = await app.inject({ url: '/v1/me', headers: withKey(cell.admin, { 'x-environment-id': 'dev' }) });
      expect([res.statusCode, errorCode(res)]).toEqual([403, 'environment_mismatch']);
      const same = await app.inject({ url: '/v1/me', headers: withKey(cell.admin, { 'x-environment-id': 'prod' }) });
      expect(same.statusCode).toBe(200);
    });
  });
}

describeIsolation('the memory store', memoryStore);
describeIsolation('PostgreSQL', postgresStore);

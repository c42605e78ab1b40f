import { MemorySessionStore } from '@keyward/core';
import Koa from 'koa';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiKeyErrorHandler, getPortalSession, type PortalSessionState, sessionAuth } from './index.js';

const scope = { tenantId: 't_1', environmentId: 'prod' };

describe('sessionAuth (koa)', () => {
  it('refuses a bad onError at once, naming the function', () => {
    expect(() => sessionAuth({ store: new MemorySessionStore(), onError: 'log' as never })).toThrow(
      '@keyward/koa: sessionAuth: options.onError must be a function',
    );
  });

  it('puts a session that never holds the token in ctx.state, and refuses it once revoked', async () => {
    const store = new MemorySessionStore();
    const { token, session } = await store.createSession({ ...scope, customerId: 'cus_1' });
    const app = new Koa<PortalSessionState>();
    app.use(apiKeyErrorHandler());
    app.use(sessionAuth({ store }));
    app.use((ctx) => {
      ctx.body = getPortalSession(ctx);
    });
    const request = supertest(app.callback());
    const response = await request.get('/').set('x-session-token', token);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      sessionId: session.id,
      customerId: 'cus_1',
      tenantId: 't_1',
      environmentId: 'prod',
      expiresAt: session.expiresAt.toISOString(),
    });
    expect(response.text).not.toContain(token);
    await store.revokeSession(scope, session.id);
    const revoked = await request.get('/').set('x-session-token', token);
    expect([revoked.status, revoked.body.error.code]).toEqual([401, 'invalid_session_token']);
  });

  it('lets onError send the request on with next() on purpose, with no session', async () => {
    const app = new Koa<PortalSessionState>();
    app.use(sessionAuth({ store: new MemorySessionStore(), onError: (_err, _ctx, next) => next() }));
    app.use((ctx) => {
      ctx.body = { session: ctx.state.portalSession ?? null };
    });
    expect((await supertest(app.callback()).get('/')).body).toEqual({ session: null });
  });
});

import { MemorySessionStore } from '@keyward/core';
import express from 'express';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { apiKeyErrorHandler, getPortalSession, sessionAuth } from './index.js';

const scope = { tenantId: 't_1', environmentId: 'prod' };

describe('sessionAuth (express)', () => {
  it('refuses a bad onError at once, naming the function', () => {
    expect(() => sessionAuth({ store: new MemorySessionStore(), onError: 'log' as never })).toThrow(
      '@keyward/express: sessionAuth: options.onError must be a function',
    );
  });

  it('attaches a session that never holds the token, and refuses it once revoked', async () => {
    const store = new MemorySessionStore();
    const { token, session } = await store.createSession({ ...scope, customerId: 'cus_1' });
    const app = express();
    app.use(sessionAuth({ store }));
    app.get('/me', (req, res) => res.json(getPortalSession(req)));
    app.use(apiKeyErrorHandler());
    const response = await supertest(app).get('/me').set('x-session-token', token);
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
    const revoked = await supertest(app).get('/me').set('x-session-token', token);
    expect([revoked.status, revoked.body.error.code]).toEqual([401, 'invalid_session_token']);
  });

  it('lets onError pass the error to error middleware with next(err)', async () => {
    const app = express();
    app.use(sessionAuth({ store: new MemorySessionStore(), onError: (err, _req, _res, next) => next(err) }));
    app.get('/me', (_req, res) => res.send('reached'));
    app.use(apiKeyErrorHandler());
    const response = await supertest(app).get('/me');
    expect([response.status, response.body.error.code]).toEqual([401, 'missing_session_token']);
  });
});

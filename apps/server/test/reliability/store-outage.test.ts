// The store behind the server fails: refused connections (a store that throws at once) and a
// database that stops answering (a proxy that swallows every packet). Requests must get 503
// auth_unavailable promptly, never hang and never pass; the log must say why; /health stays a
// cheap liveness answer while /ready reports the store.
import { DEV_API_KEY, generateApiKey, hashApiKey, MemoryKeyStore, MemorySessionStore } from '@keyward/core';
import { createPostgresKeyStore } from '@keyward/store-postgres';
import { startBlackholeProxy } from '@keyward/test-kit/blackhole-proxy';
import { createTestDatabase } from '@keyward/test-kit/pg-test-db';
import { attempts } from '@keyward/test-kit/reliability';
import { waitFor } from '@keyward/test-kit/wait-for';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/create-app.js';
import { body, captureLogs, errorCode, memoryStorage, withKey } from '../helpers.js';

/** A pino line, as far as these tests read it. */
interface LogEntry {
  level: number;
  msg: string;
  err?: { message: string; code?: string };
}

/** A failure as node-postgres reports a server that refuses connections. */
function connectionRefused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' });
}

describe('the server when its store fails', () => {
  it('answers 503 auth_unavailable and logs the cause at error, never the key; /ready says so, /health stays ok', async () => {
    const logs = captureLogs<LogEntry>();
    let down = false;
    const keys = new MemoryKeyStore();
    const sessions = new MemorySessionStore();
    const findByHash = keys.findByHash.bind(keys);
    const findSessionByHash = sessions.findSessionByHash.bind(sessions);
    keys.findByHash = async (hash) => (down ? Promise.reject(connectionRefused()) : findByHash(hash));
    sessions.findSessionByHash = async (hash) => (down ? Promise.reject(connectionRefused()) : findSessionByHash(hash));
    const storage = { ...memoryStorage(keys), sessions };
    const app = createApp({ storage, failureLimit: false, logger: { level: 'info', stream: logs.stream } });
    try {
      const { key } = await keys.create({ tenantId: 't1', environmentId: 'prod', name: 'k', scopes: ['*'] });
      expect((await app.inject({ url: '/v1/me', headers: withKey(key) })).statusCode).toBe(200);
      expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
      expect(body(await app.inject({ url: '/ready' }))).toEqual({ status: 'ok' });

      down = true;
      const unknown = generateApiKey();
      for (let round = 0; round < attempts(2, 20); round++) {
        // Cache off for a fresh key: each of these reaches the store.
        const res = await app.inject({ url: '/v1/me', headers: withKey(round === 0 ? unknown : generateApiKey()) });
        expect(res.statusCode).toBe(503);
        expect(errorCode(res)).toBe('auth_unavailable');
      }
      const token = `kws_${'A'.repeat(43)}`;
      const portal = await app.inject({ url: '/v1/portal/me', headers: { 'x-session-token': token } });
      expect(portal.statusCode).toBe(503);
      expect(errorCode(portal)).toBe('auth_unavailable');

      const ready = await app.inject({ url: '/ready' });
      expect(ready.statusCode).toBe(503);
      expect(errorCode(ready)).toBe('auth_unavailable');
      const health = await app.inject({ url: '/health' });
      expect(health.statusCode).toBe(200);
      expect(body(health)).toEqual({ status: 'ok' });

      const failures = logs.entries().filter((e) => e.level === 50 && e.msg === 'key store unavailable');
      // Every refused request and the failed readiness check: one line each, with the cause.
      expect(failures.length).toBe(attempts(2, 20) + 2);
      for (const line of failures) {
        expect(line.err?.message).toBe('connect ECONNREFUSED 10.0.0.5:5432');
        expect(line.err?.code).toBe('ECONNREFUSED');
      }
      const text = logs.text();
      for (const secret of [key, unknown, token, DEV_API_KEY]) expect(text).not.toContain(secret);
      expect(text).not.toContain(hashApiKey(unknown));

      down = false;
      expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('logs the cause when the webhook receiver cannot look its endpoint up, and answers 503', async () => {
    const logs = captureLogs<LogEntry>();
    const storage = memoryStorage();
    storage.webhooks.findEndpoint = async () => Promise.reject(connectionRefused());
    const app = createApp({ storage, failureLimit: false, logger: { level: 'info', stream: logs.stream } });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/webhooks/t1/prod/whe_0123456789abcdef01234567',
        headers: { 'content-type': 'application/json' },
        payload: '{"type":"invoice.paid"}',
      });
      expect(res.statusCode).toBe(503);
      expect(errorCode(res)).toBe('auth_unavailable');
      const failures = logs.entries().filter((e) => e.level === 50 && e.msg === 'key store unavailable');
      expect(failures.map((line) => line.err?.code)).toEqual(['ECONNREFUSED']);
    } finally {
      await app.close();
    }
  });

  it('documents /ready with its 503, and /health without one', async () => {
    const app = createApp({ storage: memoryStorage(), failureLimit: false });
    try {
      const doc = body<{ paths: Record<string, { get: { responses: Record<string, unknown> } }> }>(
        await app.inject({ url: '/openapi.json' }),
      );
      // Both also list what every operation may answer (4XX, 500: see openapi.test.ts).
      const ready = Object.keys(doc.paths['/ready']?.get.responses ?? {});
      const health = Object.keys(doc.paths['/health']?.get.responses ?? {});
      expect(ready).toEqual(expect.arrayContaining(['200', '503']));
      expect(health).toContain('200');
      expect(health).not.toContain('503');
    } finally {
      await app.close();
    }
  });

  it('answers 503 promptly when PostgreSQL stops answering, and recovers when it answers again', async (ctx) => {
    const db = await createTestDatabase();
    if (db === null) return ctx.skip();
    const proxy = await startBlackholeProxy(db.url);
    const logs = captureLogs<LogEntry>();
    const store = await createPostgresKeyStore({ connectionString: proxy.url, onError: () => {} });
    const app = createApp({
      storage: { keys: store, sessions: store, webhooks: store },
      failureLimit: false,
      logger: { level: 'info', stream: logs.stream },
    });
    try {
      const { key } = await store.create({ tenantId: 't1', environmentId: 'prod', name: 'k', scopes: ['*'] });
      expect((await app.inject({ url: '/v1/me', headers: withKey(key) })).statusCode).toBe(200);
      expect((await app.inject({ url: '/ready' })).statusCode).toBe(200);

      proxy.blackhole();
      // The cached answer stops counting within two heartbeats; then every lookup must fail closed.
      await waitFor(
        async () => (await app.inject({ url: '/v1/me', headers: withKey(key) })).statusCode === 503,
        'the key to be refused with 503 while the database is silent',
      );
      const res = await app.inject({ url: '/v1/me', headers: withKey(generateApiKey()) });
      expect(res.statusCode).toBe(503);
      expect(errorCode(res)).toBe('auth_unavailable');
      expect(errorCode(await app.inject({ url: '/ready' }))).toBe('auth_unavailable');
      expect((await app.inject({ url: '/health' })).statusCode).toBe(200);
      const failures = logs.entries().filter((e) => e.level === 50 && e.msg === 'key store unavailable');
      expect(failures.length).toBeGreaterThan(0);
      expect(failures[0]?.err?.message).toMatch(
        /^@keyward\/store-postgres: find(Session)?ByHash: no answer from the database within 500 ms$/,
      );
      expect(logs.text()).not.toContain(key);

      proxy.heal();
      await waitFor(async () => (await app.inject({ url: '/ready' })).statusCode === 200, '/ready once healed');
      expect((await app.inject({ url: '/v1/me', headers: withKey(key) })).statusCode).toBe(200);
    } finally {
      proxy.heal();
      await app.close();
      await store.close();
      await proxy.close();
      await db.drop();
    }
  }, 120_000);
});

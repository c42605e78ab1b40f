import { createHash, randomBytes } from 'node:crypto';
import {
  createAuthenticator,
  createSessionAuthenticator,
  createVerificationCache,
  hashApiKey,
  hashSessionToken,
  type KeyChange,
} from '@keyward/core';
import type { StoredSession } from '@keyward/core/store';
import { describeKeyStoreSuite } from '@keyward/test-kit/key-store-suite';
import { createTestDatabase, pgSkipReason, runAdminSql } from '@keyward/test-kit/pg-test-db';
import { describeSessionStoreSuite } from '@keyward/test-kit/session-store-suite';
import { waitFor } from '@keyward/test-kit/wait-for';
import { describeWebhookStoreSuite } from '@keyward/test-kit/webhook-store-suite';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresKeyStore, type PostgresKeyStore } from '../src/index.js';

const db = await createTestDatabase();
const skip = db === null;
if (skip) it.skip(pgSkipReason, () => {});

afterAll(async () => {
  await db?.drop();
});

const scope = { tenantId: 't1', environmentId: 'prod' };
const databaseOf = (url: string) => new URL(url).pathname.slice(1);

/** Runs `sql` in the test's own database, beside the stores. */
async function sqlIn(url: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    return await client.query(sql, params);
  } finally {
    await client.end().catch(() => {});
  }
}

describeKeyStoreSuite({
  name: 'PostgresKeyStore on a PostgreSQL server',
  create: async ({ now }) => {
    const store = await createPostgresKeyStore({ connectionString: db!.url, now, onError: () => {} });
    return { store, close: () => store.close() };
  },
  skip: skip ? pgSkipReason : undefined,
});

describeSessionStoreSuite({
  name: 'PostgresKeyStore on a PostgreSQL server: sessions',
  create: async ({ now }) => {
    const store = await createPostgresKeyStore({ connectionString: db!.url, now, onError: () => {} });
    return { store, close: () => store.close() };
  },
  skip: skip ? pgSkipReason : undefined,
});

describeWebhookStoreSuite({
  name: 'PostgresKeyStore on a PostgreSQL server: webhooks',
  create: async ({ now }) => {
    const store = await createPostgresKeyStore({ connectionString: db!.url, now, onError: () => {} });
    return { store, close: () => store.close() };
  },
  skip: skip ? pgSkipReason : undefined,
});

describe.skipIf(skip)('PostgresKeyStore on a PostgreSQL server: several instances', () => {
  const open: PostgresKeyStore[] = [];
  const track = async (store: Promise<PostgresKeyStore>) => {
    const s = await store;
    open.push(s);
    return s;
  };
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
  });

  it('migrates once when three instances start at once on a fresh database', async () => {
    const fresh = await createTestDatabase();
    if (!fresh) throw new Error('the server went away');
    try {
      const stores = await Promise.all(
        [1, 2, 3].map(() => createPostgresKeyStore({ connectionString: fresh.url, onError: () => {} })),
      );
      try {
        const { key } = await stores[0]!.create({ ...scope, name: 'shared' });
        for (const s of stores) expect((await s.findByHash(hashApiKey(key)))?.name).toBe('shared');
        const applied = await sqlIn(fresh.url, 'SELECT version, name FROM keyward_migrations ORDER BY version');
        // Sessions and webhooks came as versions 2 and 3, rotation successors as 4; version 1 is applied as it always was.
        expect(applied.rows).toEqual([
          { version: 1, name: 'create_api_keys' },
          { version: 2, name: 'create_sessions' },
          { version: 3, name: 'create_webhooks' },
          { version: 4, name: 'add_key_successor' },
          { version: 5, name: 'create_idempotency_keys' },
        ]);
        const indexes = await sqlIn(
          fresh.url,
          `SELECT indexdef FROM pg_indexes WHERE tablename = 'keyward_api_keys' AND indexdef LIKE '%UNIQUE%(hash)%'`,
        );
        expect(indexes.rowCount).toBe(1);
        // Sessions are looked up by hash through a unique index; a replay is refused by one too.
        const sessionIndexes = await sqlIn(
          fresh.url,
          `SELECT indexdef FROM pg_indexes WHERE tablename = 'keyward_sessions' AND indexdef LIKE '%UNIQUE%(hash)'`,
        );
        expect(sessionIndexes.rowCount).toBe(1);
        const deliveryIndexes = await sqlIn(
          fresh.url,
          `SELECT indexdef FROM pg_indexes WHERE tablename = 'keyward_webhook_deliveries' AND indexdef LIKE '%UNIQUE%(endpoint_id, webhook_id)'`,
        );
        expect(deliveryIndexes.rowCount).toBe(1);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
      // A restart finds the schema in place and applies nothing.
      const again = await createPostgresKeyStore({ connectionString: fresh.url, onError: () => {} });
      await again.close();
      expect((await sqlIn(fresh.url, 'SELECT count(*)::int AS n FROM keyward_migrations')).rows[0]).toEqual({ n: 5 });
    } finally {
      await fresh.drop();
    }
  });

  it('pushes revocation, deactivation and rotation to another instance, which evicts its cache', async () => {
    const a = await track(createPostgresKeyStore({ connectionString: db!.url, onError: () => {} }));
    const b = await track(createPostgresKeyStore({ connectionString: db!.url, onError: () => {} }));
    const heard: KeyChange[] = [];
    b.watch((change) => heard.push(change));
    const heardHash = (hash: string) => heard.some((c) => 'hash' in c && c.hash === hash);
    const auth = createAuthenticator({ store: b });
    try {
      const revoked = await a.create({ ...scope, name: 'revoke me' });
      const deactivated = await a.create({ ...scope, name: 'deactivate me' });
      const rotated = await a.create({ ...scope, name: 'rotate me' });
      for (const k of [revoked, deactivated, rotated]) {
        expect((await auth.authenticate({ 'x-api-key': k.key })).ok).toBe(true);
        // Cached now: without a notification B would keep answering from its cache.
        expect(auth.cache?.get(hashApiKey(k.key))).not.toBeUndefined();
      }

      await a.revoke(scope, revoked.apiKey.id);
      await a.update(scope, deactivated.apiKey.id, { active: false });
      await a.rotate(scope, rotated.apiKey.id);
      await waitFor(
        () => [revoked, deactivated, rotated].every((k) => heardHash(hashApiKey(k.key))),
        'the NOTIFYs to reach instance B',
      );
      expect(await auth.authenticate({ 'x-api-key': revoked.key })).toMatchObject({
        ok: false,
        error: { code: 'invalid_api_key' },
      });
      expect(await auth.authenticate({ 'x-api-key': deactivated.key })).toMatchObject({
        ok: false,
        error: { code: 'inactive_api_key' },
      });
      expect(await auth.authenticate({ 'x-api-key': rotated.key })).toMatchObject({
        ok: false,
        error: { code: 'invalid_api_key' },
      });
      expect(b.changesReliable).toBe(true);
    } finally {
      auth.close();
    }
  });

  it('pushes a session revoked on A to B, whose session authenticator refuses it at once from a warm cache', async () => {
    const a = await track(createPostgresKeyStore({ connectionString: db!.url, onError: () => {} }));
    const b = await track(createPostgresKeyStore({ connectionString: db!.url, onError: () => {} }));
    const heard: KeyChange[] = [];
    b.watch((change) => heard.push(change));
    // An hour's TTL: only the pushed revocation can end the cached answer within this test.
    const cache = createVerificationCache<StoredSession>({ ttlMs: 3_600_000 });
    const sessions = createSessionAuthenticator({ store: b, cache });
    try {
      const revoked = await a.createSession({ ...scope, customerId: 'cus_a' });
      const kept = await a.createSession({ ...scope, customerId: 'cus_a' });
      for (const { token } of [revoked, kept]) {
        expect(await sessions.authenticate({ 'x-session-token': token })).toMatchObject({
          ok: true,
          session: { customerId: 'cus_a', tenantId: scope.tenantId },
        });
        expect(cache.get(hashSessionToken(token))).toMatchObject({ customerId: 'cus_a' });
      }
      expect(await a.revokeSession(scope, revoked.session.id)).toBe(true);
      const hash = hashSessionToken(revoked.token);
      await waitFor(() => heard.some((c) => 'hash' in c && c.hash === hash), 'the NOTIFY to reach instance B');
      expect(cache.get(hash)).toBeUndefined();
      expect(await sessions.authenticate({ 'x-session-token': revoked.token })).toMatchObject({
        ok: false,
        error: { code: 'invalid_session_token' },
      });
      expect((await sessions.authenticate({ 'x-session-token': kept.token })).ok).toBe(true);
      // A revocation in another scope is refused on B too, and tells no one.
      expect(await b.revokeSession({ ...scope, tenantId: 'other' }, kept.session.id)).toBe(false);
      expect(heard.some((c) => 'hash' in c && c.hash === hashSessionToken(kept.token))).toBe(false);
    } finally {
      sessions.close();
    }
  });

  it('refuses on B a delivery recorded on A, and records one of 20 racing across both', async () => {
    const a = await track(createPostgresKeyStore({ connectionString: db!.url, onError: () => {} }));
    const b = await track(createPostgresKeyStore({ connectionString: db!.url, onError: () => {} }));
    const hooks = { tenantId: 'hooks', environmentId: 'prod' };
    const { endpoint } = await a.createEndpoint(hooks);
    const delivery = (webhookId: string) => ({
      webhookId,
      endpointId: endpoint.id,
      eventType: 'invoice.paid',
      receivedAt: new Date(),
      size: 2,
    });
    expect(await a.recordDelivery(hooks, delivery('msg_once'))).toBe('recorded');
    expect(await b.recordDelivery(hooks, delivery('msg_once'))).toBe('replayed');
    expect(await a.recordDelivery(hooks, delivery('msg_once'))).toBe('replayed');

    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).recordDelivery(hooks, delivery('msg_race'))),
    );
    expect(results.filter((r) => r === 'recorded')).toHaveLength(1);
    const rows = await sqlIn(
      db!.url,
      'SELECT webhook_id, count(*)::int AS n FROM keyward_webhook_deliveries WHERE endpoint_id = $1 GROUP BY webhook_id ORDER BY webhook_id',
      [endpoint.id],
    );
    expect(rows.rows).toEqual([
      { webhook_id: 'msg_once', n: 1 },
      { webhook_id: 'msg_race', n: 1 },
    ]);

    // B rotates, A's receiver sees both secrets; B deletes, A's deliveries of it are gone too.
    const rotated = await b.rotateEndpointSecret(hooks, endpoint.id, { gracePeriodSeconds: 60 });
    expect((await a.findEndpoint(hooks, endpoint.id, new Date()))?.secrets.map((s) => s.secret)[0]).toBe(
      rotated?.secret,
    );
    expect(await b.deleteEndpoint(hooks, endpoint.id)).toBe(true);
    const left = await sqlIn(
      db!.url,
      'SELECT count(*)::int AS n FROM keyward_webhook_deliveries WHERE endpoint_id = $1',
      [endpoint.id],
    );
    expect(left.rows).toEqual([{ n: 0 }]);
    expect(await a.listDeliveries(hooks, endpoint.id)).toBeNull();
  });

  it('mints one key for one Idempotency-Key racing across two instances, and keeps no plaintext', async () => {
    const a = await track(createPostgresKeyStore({ connectionString: db!.url, onError: () => {} }));
    const b = await track(createPostgresKeyStore({ connectionString: db!.url, onError: () => {} }));
    const racing = { tenantId: `idem_${randomBytes(4).toString('hex')}`, environmentId: 'prod' };
    const idempotencyKey = randomBytes(32).toString('base64url');
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 === 0 ? a : b).create({ ...racing, name: 'raced' }, { idempotencyKey }),
      ),
    );
    expect(new Set(results.map((r) => r.key)).size).toBe(1);
    expect(results.filter((r) => r.replayed === undefined)).toHaveLength(1);
    expect((await a.list(racing)).total).toBe(1);

    const { key, apiKey } = results[0]!;
    const rows = await sqlIn(db!.url, 'SELECT * FROM keyward_idempotency_keys WHERE tenant_id = $1', [racing.tenantId]);
    expect(rows.rows).toHaveLength(1);
    const stored = JSON.stringify(rows.rows);
    // Only the SHA-256 of the idempotency key, and the result sealed: not the key, its hash or its id.
    for (const secret of [key, hashApiKey(key), apiKey.id, idempotencyKey]) expect(stored).not.toContain(secret);
    expect(rows.rows[0].key_hash).toBe(createHash('sha256').update(idempotencyKey).digest('hex'));
  });

  it('drops sessions expired more than a day ago from the table as sessions are created', async () => {
    // A database of its own: a store whose clock runs days ahead prunes every session it sees.
    const fresh = await createTestDatabase();
    if (!fresh) throw new Error('the server went away');
    let clockMs = Date.parse('2035-06-01T00:00:00.000Z');
    const now = () => new Date(clockMs);
    const store = await createPostgresKeyStore({ connectionString: fresh.url, now, onError: () => {} });
    try {
      const count = async () => (await sqlIn(fresh.url, 'SELECT count(*)::int AS n FROM keyward_sessions')).rows[0];
      for (let i = 0; i < 5; i++) await store.createSession({ ...scope, customerId: `cus_${i}`, ttlSeconds: 60 });
      expect(await count()).toEqual({ n: 5 });
      clockMs += 60_000 + 86_400_000;
      await store.createSession({ ...scope, customerId: 'cus_late', ttlSeconds: 60 });
      expect(await count()).toEqual({ n: 6 });
      clockMs += 1;
      await store.createSession({ ...scope, customerId: 'cus_later', ttlSeconds: 60 });
      expect(await count()).toEqual({ n: 2 });
    } finally {
      await store.close();
      await fresh.drop();
    }
  });

  it('hands a NOTIFY to every watcher of another instance when one throws, reporting the throw', async () => {
    const a = await track(createPostgresKeyStore({ connectionString: db!.url, onError: () => {} }));
    const errors: Error[] = [];
    const b = await track(createPostgresKeyStore({ connectionString: db!.url, onError: (err) => errors.push(err) }));
    b.watch(() => {
      throw new Error('a faulty watcher');
    });
    const heard: KeyChange[] = [];
    b.watch((change) => heard.push(change));
    const { key, apiKey } = await a.create({ ...scope, name: 'revoke me elsewhere' });
    await a.revoke(scope, apiKey.id);
    await waitFor(() => heard.some((c) => 'hash' in c && c.hash === hashApiKey(key)), 'the NOTIFY to reach instance B');
    expect(errors.map((err) => err.message)).toContain(
      '@keyward/store-postgres: a watch listener threw: a faulty watcher',
    );
    expect(b.changesReliable).toBe(true);
  });

  it('reconnects a lost listener: unreliable until back, then everything is evicted', async () => {
    const fresh = await createTestDatabase();
    if (!fresh) throw new Error('the server went away');
    const name = databaseOf(fresh.url);
    const errors: Error[] = [];
    const store = await createPostgresKeyStore({ connectionString: fresh.url, onError: (e) => errors.push(e) });
    const other = await createPostgresKeyStore({ connectionString: fresh.url, onError: () => {} });
    const heard: KeyChange[] = [];
    store.watch((change) => heard.push(change));
    try {
      expect(store.changesReliable).toBe(true);
      // Refuse new connections first, so the reconnect cannot win the race with the check.
      await runAdminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await runAdminSql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${name}' AND application_name = 'keyward-listener' AND pid <> pg_backend_pid()`,
      );
      await waitFor(() => store.changesReliable === false, 'changesReliable to turn false');
      // The authenticator bypasses its cache meanwhile: fail safe, not stale.
      expect(heard.some((c) => 'all' in c)).toBe(false);
      await runAdminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`);
      await waitFor(() => store.changesReliable === true, 'the listener to reconnect');
      await waitFor(() => heard.some((c) => 'all' in c), 'the {all: true} change after the reconnect');
      expect(errors.length).toBeGreaterThan(0);
      expect(errors[0]?.message).toMatch(/^@keyward\/store-postgres: LISTEN connection lost/);

      // Subscribed again: a revocation elsewhere reaches it.
      const { key, apiKey } = await other.create({ ...scope, name: 'after reconnect' });
      await other.revoke(scope, apiKey.id);
      await waitFor(() => heard.some((c) => 'hash' in c && c.hash === hashApiKey(key)), 'a NOTIFY after reconnecting');
    } finally {
      await runAdminSql(`ALTER DATABASE ${name} ALLOW_CONNECTIONS true`).catch(() => {});
      await store.close();
      await other.close();
      await fresh.drop();
    }
    expect(store.changesReliable).toBe(false);
  });

  it('survives its pooled connections being killed, reporting the error', async () => {
    const fresh = await createTestDatabase();
    if (!fresh) throw new Error('the server went away');
    const errors: Error[] = [];
    const store = await createPostgresKeyStore({ connectionString: fresh.url, onError: (e) => errors.push(e) });
    try {
      const { key } = await store.create({ ...scope, name: 'k' });
      await runAdminSql(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${databaseOf(fresh.url)}' AND application_name = 'keyward'`,
      );
      await waitFor(
        () => errors.some((e) => /^@keyward\/store-postgres: idle PostgreSQL connection/.test(e.message)),
        'the idle error',
      );
      expect((await store.findByHash(hashApiKey(key)))?.name).toBe('k');
    } finally {
      await store.close();
      await fresh.drop();
    }
  });

  it('batches usage: one UPDATE for many uses, on its timer and on close', async () => {
    const store = await track(createPostgresKeyStore({ connectionString: db!.url, onError: () => {} }));
    const usage = { tenantId: 'usage', environmentId: 'prod' };
    const a = await store.create({ ...usage, name: 'a' });
    const b = await store.create({ ...usage, name: 'b' });
    await sqlIn(
      db!.url,
      `CREATE TABLE usage_writes (rows int NOT NULL DEFAULT 0, statements int NOT NULL DEFAULT 0);
       INSERT INTO usage_writes VALUES (0, 0);
       CREATE FUNCTION count_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE usage_writes SET rows = rows + 1; RETURN NEW; END $$;
       CREATE FUNCTION count_statement() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE usage_writes SET statements = statements + 1; RETURN NULL; END $$;
       CREATE TRIGGER count_row AFTER UPDATE ON keyward_api_keys FOR EACH ROW EXECUTE FUNCTION count_row();
       CREATE TRIGGER count_statement AFTER UPDATE ON keyward_api_keys FOR EACH STATEMENT EXECUTE FUNCTION count_statement();`,
    );
    const base = Date.parse('2031-05-01T00:00:00.000Z');
    for (let i = 0; i < 1000; i++) {
      store.recordUsage(a.apiKey.id, new Date(base + i));
      store.recordUsage(b.apiKey.id, new Date(base - i));
    }
    expect((await store.findByHash(hashApiKey(a.key)))?.lastUsedAt).toBeNull();
    await store.close();
    const writes = await sqlIn(db!.url, 'SELECT rows, statements FROM usage_writes');
    expect(writes.rows[0]).toEqual({ rows: 2, statements: 1 });
    const used = await sqlIn(
      db!.url,
      `SELECT name, last_used_at FROM keyward_api_keys WHERE tenant_id = 'usage' ORDER BY name`,
    );
    expect(used.rows).toEqual([
      { name: 'a', last_used_at: new Date(base + 999) },
      { name: 'b', last_used_at: new Date(base) },
    ]);
    await sqlIn(
      db!.url,
      'DROP TRIGGER count_row ON keyward_api_keys; DROP TRIGGER count_statement ON keyward_api_keys',
    );

    // Without close: the timer flushes by itself.
    const timed = await track(
      createPostgresKeyStore({ connectionString: db!.url, usageFlushIntervalMs: 20, onError: () => {} }),
    );
    timed.recordUsage(a.apiKey.id, new Date(base + 5_000));
    await waitFor(
      async () => (await timed.findByHash(hashApiKey(a.key)))?.lastUsedAt?.getTime() === base + 5_000,
      'the usage timer to flush',
    );
  });
});

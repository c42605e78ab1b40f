import { createAuthenticator, hashApiKey, type KeyChange } from '@keyward/core';
import { describeKeyStoreSuite } from '@keyward/test-kit/key-store-suite';
import { createTestDatabase, pgSkipReason, runAdminSql } from '@keyward/test-kit/pg-test-db';
import { waitFor } from '@keyward/test-kit/wait-for';
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
        expect(applied.rows).toEqual([{ version: 1, name: 'create_api_keys' }]);
        const indexes = await sqlIn(
          fresh.url,
          `SELECT indexdef FROM pg_indexes WHERE tablename = 'keyward_api_keys' AND indexdef LIKE '%UNIQUE%(hash)%'`,
        );
        expect(indexes.rowCount).toBe(1);
      } finally {
        await Promise.all(stores.map((s) => s.close()));
      }
      // A restart finds the schema in place and applies nothing.
      const again = await createPostgresKeyStore({ connectionString: fresh.url, onError: () => {} });
      await again.close();
      expect((await sqlIn(fresh.url, 'SELECT count(*)::int AS n FROM keyward_migrations')).rows[0]).toEqual({ n: 1 });
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

import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { createAuthenticator, createSessionAuthenticator, hashApiKey, hashSessionToken } from '@keyward/core';
import { describeKeyStoreSuite } from '@keyward/test-kit/key-store-suite';
import { describeSessionStoreSuite } from '@keyward/test-kit/session-store-suite';
import { describeWebhookStoreSuite } from '@keyward/test-kit/webhook-store-suite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgliteDriver } from '../src/drivers/pglite-driver.js';
import { createPostgresKeyStore } from '../src/index.js';
import { MIGRATIONS, runMigrations } from '../src/migrations.js';

describeKeyStoreSuite({
  name: 'PostgresKeyStore on PGlite (memory://)',
  create: async ({ now }) => {
    // The suite's faulty watchers are expected; their reports are tested on their own below.
    const store = await createPostgresKeyStore({ dataDir: 'memory://', now, onError: () => {} });
    return { store, close: () => store.close() };
  },
});

describeSessionStoreSuite({
  name: 'PostgresKeyStore on PGlite (memory://): sessions',
  create: async ({ now }) => {
    const store = await createPostgresKeyStore({ dataDir: 'memory://', now, onError: () => {} });
    return { store, close: () => store.close() };
  },
});

describeWebhookStoreSuite({
  name: 'PostgresKeyStore on PGlite (memory://): webhooks',
  create: async ({ now }) => {
    const store = await createPostgresKeyStore({ dataDir: 'memory://', now, onError: () => {} });
    return { store, close: () => store.close() };
  },
});

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesUnder(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/** Whether any file under `dir` holds `needle` (as ASCII bytes). */
async function folderContains(dir: string, needle: string): Promise<boolean> {
  const bytes = Buffer.from(needle, 'latin1');
  for (const file of await filesUnder(dir)) {
    if ((await readFile(file)).includes(bytes)) return true;
  }
  return false;
}

describe('PostgresKeyStore on PGlite in a folder', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keyward-pglite-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps keys across a close and a reopen, and stores only their hashes', async () => {
    const scope = { tenantId: 't1', environmentId: 'prod' };
    const first = await createPostgresKeyStore({ dataDir });
    const kept = await first.create({ ...scope, name: 'durable', scopes: ['keys:read'] });
    const revoked = await first.create({ ...scope, name: 'revoked' });
    expect(await first.revoke(scope, revoked.apiKey.id)).toBe(true);
    await first.close();

    expect((await stat(join(dataDir, 'PG_VERSION'))).isFile()).toBe(true);
    // The scan is proven able to fail: it finds the hash it must find, and not the key.
    expect(await folderContains(dataDir, hashApiKey(kept.key))).toBe(true);
    expect(await folderContains(dataDir, kept.key)).toBe(false);
    expect(await folderContains(dataDir, revoked.key)).toBe(false);

    const second = await createPostgresKeyStore({ dataDir });
    try {
      expect(await second.findByHash(hashApiKey(kept.key))).toMatchObject({ id: kept.apiKey.id, name: 'durable' });
      expect(await second.findByHash(hashApiKey(revoked.key))).toBeNull();
      const auth = createAuthenticator({ store: second });
      const result = await auth.authenticate({ 'x-api-key': kept.key });
      expect(result).toMatchObject({ ok: true, context: { keyId: kept.apiKey.id, scopes: ['keys:read'] } });
      auth.close();
    } finally {
      await second.close();
    }
  });

  it('keeps sessions and endpoints across a reopen: a token only as its hash, a webhook secret as given', async () => {
    const dir = join(dataDir, 'sessions');
    const scope = { tenantId: 't1', environmentId: 'prod' };
    const first = await createPostgresKeyStore({ dataDir: dir });
    const kept = await first.createSession({ ...scope, customerId: 'cus_1' });
    const revoked = await first.createSession({ ...scope, customerId: 'cus_2' });
    expect(await first.revokeSession(scope, revoked.session.id)).toBe(true);
    const { secret, endpoint } = await first.createEndpoint({ ...scope, name: 'billing' });
    expect(
      await first.recordDelivery(scope, {
        webhookId: 'msg_1',
        endpointId: endpoint.id,
        eventType: null,
        receivedAt: new Date('2030-01-01T00:00:00.000Z'),
        size: 3,
      }),
    ).toBe('recorded');
    await first.close();

    // The scan is proven able to fail: it finds the hash and the secret it must find.
    expect(await folderContains(dir, hashSessionToken(kept.token))).toBe(true);
    expect(await folderContains(dir, kept.token)).toBe(false);
    expect(await folderContains(dir, kept.token.slice(4))).toBe(false);
    expect(await folderContains(dir, revoked.token)).toBe(false);
    // HMAC verification needs the secret itself: stored as given, as the README says.
    expect(await folderContains(dir, secret)).toBe(true);

    const second = await createPostgresKeyStore({ dataDir: dir });
    try {
      const sessions = createSessionAuthenticator({ store: second });
      expect(await sessions.authenticate({ 'x-session-token': kept.token })).toMatchObject({
        ok: true,
        session: { sessionId: kept.session.id, customerId: 'cus_1' },
      });
      expect(await sessions.authenticate({ 'x-session-token': revoked.token })).toMatchObject({
        ok: false,
        error: { code: 'invalid_session_token' },
      });
      sessions.close();
      expect((await second.findEndpoint(scope, endpoint.id, new Date()))?.secrets).toEqual([
        { secret, expiresAt: null },
      ]);
      expect((await second.listDeliveries(scope, endpoint.id))?.items.map((d) => d.webhookId)).toEqual(['msg_1']);
    } finally {
      await second.close();
    }
  });

  it('upgrades a database of version 1 to sessions, webhooks and rotation successors, keeping its keys', async () => {
    const dir = join(dataDir, 'upgrade');
    const old = await createPgliteDriver(dir);
    try {
      expect(await runMigrations(old, MIGRATIONS.slice(0, 1))).toEqual([1]);
    } finally {
      await old.close();
    }
    const v1 = await PGlite.create(dir);
    await v1.query(
      `INSERT INTO keyward_api_keys (id, hash, name, display_id, tenant_id, environment_id, created_at, updated_at)
       VALUES ('key_old', $1, 'from v1', 'abcdef***01', 't1', 'prod', now(), now())`,
      [hashApiKey('a'.repeat(64))],
    );
    await v1.close();

    const store = await createPostgresKeyStore({ dataDir: dir });
    try {
      expect(await store.findByHash(hashApiKey('a'.repeat(64)))).toMatchObject({
        id: 'key_old',
        name: 'from v1',
        successorId: null,
      });
      // Version 4 records a rotated key's successor, so a key of version 1 rotates exactly once.
      const v1Scope = { tenantId: 't1', environmentId: 'prod' };
      const successor = await store.rotate(v1Scope, 'key_old', { gracePeriodSeconds: 60 });
      expect(await store.findByHash(hashApiKey('a'.repeat(64)))).toMatchObject({ successorId: successor?.apiKey.id });
      await expect(store.rotate(v1Scope, 'key_old', { gracePeriodSeconds: 60 })).rejects.toMatchObject({
        code: 'conflict',
      });
      const { token } = await store.createSession({ tenantId: 't1', environmentId: 'prod', customerId: 'c' });
      expect(await store.findSessionByHash(hashSessionToken(token))).not.toBeNull();
      expect(await store.listEndpoints({ tenantId: 't1', environmentId: 'prod' })).toEqual([]);
    } finally {
      await store.close();
    }
    const check = await PGlite.create(dir);
    try {
      const applied = await check.query<{ version: number }>('SELECT version FROM keyward_migrations ORDER BY version');
      expect(applied.rows.map((r) => r.version)).toEqual([1, 2, 3, 4, 5]);
    } finally {
      await check.close();
    }
  });

  it('writes last_used_at only when it flushes: once per key, the latest use, on close', async () => {
    const dir = join(dataDir, 'usage');
    const scope = { tenantId: 't1', environmentId: 'prod' };
    const store = await createPostgresKeyStore({ dataDir: dir });
    const a = await store.create({ ...scope, name: 'a' });
    const b = await store.create({ ...scope, name: 'b' });
    const c = await store.create({ ...scope, name: 'c' });
    const base = Date.parse('2031-05-01T00:00:00.000Z');
    for (let i = 0; i < 500; i++) {
      store.recordUsage(a.apiKey.id, new Date(base + i * 1000));
      store.recordUsage(b.apiKey.id, new Date(base - i * 1000));
    }
    store.recordUsage(c.apiKey.id, new Date(base));
    store.recordUsage('key_unknown', new Date(base));
    // Recorded in memory only: the default interval (a minute) has not passed.
    expect((await store.findByHash(hashApiKey(a.key)))?.lastUsedAt).toBeNull();

    // Count row writes with a trigger installed beside the store's schema.
    await store.close();
    const db = await PGlite.create(dir);
    await db.exec(`
      CREATE TABLE usage_writes (rows int NOT NULL DEFAULT 0, statements int NOT NULL DEFAULT 0);
      INSERT INTO usage_writes VALUES (0, 0);
      CREATE FUNCTION count_row() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE usage_writes SET rows = rows + 1; RETURN NEW; END $$;
      CREATE FUNCTION count_statement() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN UPDATE usage_writes SET statements = statements + 1; RETURN NULL; END $$;
      CREATE TRIGGER count_row AFTER UPDATE ON keyward_api_keys FOR EACH ROW EXECUTE FUNCTION count_row();
      CREATE TRIGGER count_statement AFTER UPDATE ON keyward_api_keys FOR EACH STATEMENT EXECUTE FUNCTION count_statement();
    `);
    await db.close();

    const reopened = await createPostgresKeyStore({ dataDir: dir });
    for (let i = 0; i < 300; i++) {
      reopened.recordUsage(a.apiKey.id, new Date(base + 500_000 + i * 1000));
      reopened.recordUsage(b.apiKey.id, new Date(base + i * 1000));
      // Older than what is stored (another instance flushed later uses first): never written.
      reopened.recordUsage(c.apiKey.id, new Date(base - 1000 - i));
    }
    await reopened.close();

    const check = await PGlite.create(dir);
    try {
      const writes = await check.query<{ rows: number; statements: number }>(
        'SELECT rows, statements FROM usage_writes',
      );
      expect(writes.rows[0]).toEqual({ rows: 2, statements: 1 });
      const used = await check.query<{ id: string; last_used_at: Date }>(
        'SELECT id, last_used_at FROM keyward_api_keys ORDER BY name',
      );
      expect(used.rows).toEqual([
        { id: a.apiKey.id, last_used_at: new Date(base + 799_000) },
        { id: b.apiKey.id, last_used_at: new Date(base + 299_000) },
        { id: c.apiKey.id, last_used_at: new Date(base) },
      ]);
    } finally {
      await check.close();
    }
  });
});

describe('the embedded database keeps its memory small', () => {
  // shared_buffers lives in PGlite's WebAssembly memory, every page of it resident and never
  // returned: PostgreSQL's default 128MB was most of an idle server's memory.
  it('runs with 16MB of shared_buffers: in a new folder, a reopened one, and memory://', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'keyward-buffers-'));
    try {
      for (const dir of [dataDir, dataDir, 'memory://']) {
        const driver = await createPgliteDriver(dir);
        try {
          expect((await driver.query<{ shared_buffers: string }>('SHOW shared_buffers')).rows).toEqual([
            { shared_buffers: '16MB' },
          ]);
        } finally {
          await driver.close();
        }
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 240_000);
});

describe('an embedded data directory belongs to one process', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keyward-lock-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  const openIn = (dir: string) => createPostgresKeyStore({ dataDir: dir, onError: () => {} });

  it('refuses a second open of the same folder, in this process or another, until the first closes', async () => {
    const first = await openIn(dataDir);
    await expect(openIn(dataDir)).rejects.toThrow(/is already open in this process/);
    // Another process, as a second server on the same KEYWARD_DATA_DIR would be.
    const entry = new URL('../dist/index.js', import.meta.url).href;
    const script = `import(${JSON.stringify(entry)}).then((m) => m.createPostgresKeyStore({ dataDir: ${JSON.stringify(dataDir)} })).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(3); });`;
    const child = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.status).toBe(3);
    expect(child.stderr).toMatch(
      new RegExp(`data directory .* is in use by process ${process.pid}; an embedded database belongs to one process`),
    );
    await first.close();
    const again = await openIn(dataDir);
    await again.close();
  }, 120_000);

  it('takes over a lock left by a process that no longer runs (a SIGKILL)', async () => {
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    await writeFile(join(dataDir, 'keyward.lock'), String(dead));
    const store = await openIn(dataDir);
    expect(await readFile(join(dataDir, 'keyward.lock'), 'utf8')).toBe(String(process.pid));
    await store.close();
    await expect(stat(join(dataDir, 'keyward.lock'))).rejects.toThrow(/ENOENT/);
  }, 120_000);

  it('keeps memory:// databases apart, with no lock', async () => {
    const a = await openIn('memory://');
    const b = await openIn('memory://');
    await a.create({ tenantId: 't', environmentId: 'e', name: 'only in a' });
    expect((await b.list({ tenantId: 't', environmentId: 'e' })).total).toBe(0);
    await Promise.all([a.close(), b.close()]);
  }, 120_000);
});

// A network that goes silent: a firewall, NAT or load balancer that forgets a connection sends
// neither FIN nor RST, so nothing reports the loss. A proxy between the store and PostgreSQL
// that stops forwarding without closing plays that part.
import { createAuthenticator, createVerificationCache, hashApiKey, type KeyChange } from '@keyward/core';
import { type BlackholeProxy, startBlackholeProxy } from '@keyward/test-kit/blackhole-proxy';
import { createTestDatabase, pgSkipReason } from '@keyward/test-kit/pg-test-db';
import { attempts } from '@keyward/test-kit/reliability';
import { waitFor } from '@keyward/test-kit/wait-for';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresKeyStore, type PostgresKeyStore } from '../../src/index.js';

const db = await createTestDatabase();
const skip = db === null;
if (skip) it.skip(pgSkipReason, () => {});

const scope = { tenantId: 't1', environmentId: 'prod' };
const hasCode = async (auth: ReturnType<typeof createAuthenticator>, key: string, code: string) => {
  const result = await auth.authenticate({ 'x-api-key': key });
  return !result.ok && result.error.code === code;
};

describe.skipIf(skip)('PostgresKeyStore when the network goes silent', () => {
  let proxy: BlackholeProxy;
  const open: PostgresKeyStore[] = [];
  const track = async (store: Promise<PostgresKeyStore>) => {
    const s = await store;
    open.push(s);
    return s;
  };

  beforeAll(async () => {
    proxy = await startBlackholeProxy(db!.url);
  });
  afterEach(async () => {
    // Healed first, so that no close waits on a swallowed connection.
    proxy.heal();
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await proxy?.close();
    await db?.drop();
  });

  it('refuses a key revoked elsewhere once its LISTEN connection goes silent, and listens again once healed', async () => {
    const a = await track(createPostgresKeyStore({ connectionString: db!.url, onError: () => {} }));
    const errors: Error[] = [];
    const b = await track(createPostgresKeyStore({ connectionString: proxy.url, onError: (e) => errors.push(e) }));
    const heard: KeyChange[] = [];
    b.watch((change) => heard.push(change));
    // An hour's TTL: only the store's own reliability can end B's cached answer within the test.
    const auth = createAuthenticator({ store: b, cache: createVerificationCache({ ttlMs: 3_600_000 }) });
    try {
      for (let round = 0; round < attempts(1, 3); round++) {
        const { key, apiKey } = await a.create({ ...scope, name: `silent ${round}` });
        expect((await auth.authenticate({ 'x-api-key': key })).ok).toBe(true);
        expect(auth.cache?.get(hashApiKey(key))).not.toBeUndefined();

        // Only the listener's connection goes silent: B's pool still reaches the database.
        proxy.blackhole({ applicationName: 'keyward-listener' });
        await a.revoke(scope, apiKey.id);
        await waitFor(() => hasCode(auth, key, 'invalid_api_key'), 'B to refuse the key revoked on A');
        expect(b.changesReliable).toBe(false);
        expect(heard.some((c) => 'hash' in c && c.hash === hashApiKey(key))).toBe(false);
        await waitFor(
          () => errors.some((e) => /LISTEN connection lost; reconnecting: no answer to the heartbeat/.test(e.message)),
          'the silent connection to be reported and given up',
        );

        proxy.heal();
        await waitFor(() => b.changesReliable, 'the listener to reconnect');
        await waitFor(() => heard.some((c) => 'all' in c), 'the {all: true} after the reconnect');
        heard.length = 0;
        errors.length = 0;
      }

      // Listening again: a revocation on A reaches B's warm cache by NOTIFY.
      const { key, apiKey } = await a.create({ ...scope, name: 'after healing' });
      expect((await auth.authenticate({ 'x-api-key': key })).ok).toBe(true);
      await a.revoke(scope, apiKey.id);
      await waitFor(() => heard.some((c) => 'hash' in c && c.hash === hashApiKey(key)), 'a NOTIFY after healing');
      expect(await hasCode(auth, key, 'invalid_api_key')).toBe(true);
    } finally {
      auth.close();
    }
  });

  it('rejects lookups within lookupTimeoutMs when the database stops answering, so authentication fails closed', async () => {
    const errors: Error[] = [];
    const store = await track(createPostgresKeyStore({ connectionString: proxy.url, onError: (e) => errors.push(e) }));
    const auth = createAuthenticator({ store, cache: false });
    const { key } = await store.create({ ...scope, name: 'behind a silent network' });
    const { token } = await store.createSession({ ...scope, customerId: 'cus_1' });
    const { endpoint } = await store.createEndpoint(scope);
    expect((await auth.authenticate({ 'x-api-key': key })).ok).toBe(true);

    proxy.blackhole();
    // The pool's open connections and any new one are all swallowed.
    await expect(store.findByHash(hashApiKey(key))).rejects.toThrow(
      '@keyward/store-postgres: findByHash: no answer from the database within 500 ms',
    );
    await expect(store.findSessionByHash(hashApiKey(token))).rejects.toThrow(
      '@keyward/store-postgres: findSessionByHash: no answer from the database within 500 ms',
    );
    await expect(store.findEndpoint(scope, endpoint.id, new Date())).rejects.toThrow(
      '@keyward/store-postgres: findEndpoint: no answer from the database within 500 ms',
    );
    for (let round = 0; round < attempts(2, 10); round++) {
      const result = await auth.authenticate({ 'x-api-key': key });
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('auth_unavailable');
        expect((result.error.cause as Error).message).toMatch(/findByHash: no answer from the database/);
      }
    }

    proxy.heal();
    await waitFor(async () => (await auth.authenticate({ 'x-api-key': key })).ok, 'lookups to succeed once healed');
  });

  it('gives up opening a store on a silent database after connectTimeoutMs, and closes one without hanging', async () => {
    const store = await createPostgresKeyStore({ connectionString: proxy.url, onError: () => {} });
    proxy.blackhole();
    await expect(
      createPostgresKeyStore({ connectionString: proxy.url, connectTimeoutMs: 1_000, onError: () => {} }),
    ).rejects.toThrow();
    // The pool's idle connections and the listener are swallowed: close() still resolves.
    await store.close();
    expect(store.changesReliable).toBe(false);
  });
});

import { inspect } from 'node:util';
import { hashApiKey, type KeyChange } from '@keyward/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPostgresKeyStore } from './create-postgres-key-store.js';

const scope = { tenantId: 't1', environmentId: 'prod' };
const CALLER = '@keyward/store-postgres: createPostgresKeyStore';
// What an operator might paste under the wrong name: the message must not carry any of it.
const SECRET_URL = 'postgres://keyward:s3cr3t-Pa55@db.internal:5432/keys';

/** The error `createPostgresKeyStore(options)` rejects with; fails the test if it resolves. */
async function refusal(options: unknown): Promise<Error> {
  const outcome = await createPostgresKeyStore(options as never).then(
    async (store) => {
      await store.close();
      return null;
    },
    (err: unknown) => err,
  );
  if (!(outcome instanceof TypeError)) throw new Error(`expected a TypeError, got ${String(outcome)}`);
  return outcome;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createPostgresKeyStore: a watcher that throws', () => {
  it('is reported to onError with what it threw, and the other watchers still hear the change', async () => {
    const errors: Error[] = [];
    const store = await createPostgresKeyStore({ dataDir: 'memory://', onError: (err) => errors.push(err) });
    try {
      const thrown = new Error('a faulty watcher');
      store.watch(() => {
        throw thrown;
      });
      const heard: KeyChange[] = [];
      store.watch((change) => heard.push(change));
      const { key, apiKey } = await store.create({ ...scope, name: 'k' });
      expect(await store.revoke(scope, apiKey.id)).toBe(true);
      expect(heard).toEqual([{ hash: hashApiKey(key) }]);
      expect(errors.map((err) => err.message)).toEqual([
        '@keyward/store-postgres: a watch listener threw: a faulty watcher',
      ]);
      expect(errors[0]?.cause).toBe(thrown);
    } finally {
      await store.close();
    }
  });

  it('is written as one console.warn line, the package-named message, without an onError', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const store = await createPostgresKeyStore({ dataDir: 'memory://' });
    try {
      store.watch(() => {
        throw new Error('a faulty watcher');
      });
      const { apiKey } = await store.create({ ...scope, name: 'k' });
      await store.update(scope, apiKey.id, { active: false });
      expect(warn.mock.calls).toEqual([['@keyward/store-postgres: a watch listener threw: a faulty watcher']]);
    } finally {
      await store.close();
    }
  });
});

describe('createPostgresKeyStore: after close', () => {
  it('refuses every call with an error naming the package', async () => {
    const store = await createPostgresKeyStore({ dataDir: 'memory://' });
    await store.close();
    await expect(store.findByHash(hashApiKey('x'))).rejects.toThrow(
      new Error('@keyward/store-postgres: the store is closed'),
    );
    await expect(store.create({ ...scope, name: 'late' })).rejects.toThrow(
      /^@keyward\/store-postgres: the store is closed$/,
    );
  });
});

describe('createPostgresKeyStore: sessions and webhooks after close', () => {
  it('refuses them too, with the same error', async () => {
    const store = await createPostgresKeyStore({ dataDir: 'memory://' });
    await store.close();
    const closed = /^@keyward\/store-postgres: the store is closed$/;
    await expect(store.findSessionByHash('a'.repeat(64))).rejects.toThrow(closed);
    await expect(store.createSession({ ...scope, customerId: 'c' })).rejects.toThrow(closed);
    await expect(store.revokeSession(scope, 'ses_x')).rejects.toThrow(closed);
    await expect(store.createEndpoint(scope)).rejects.toThrow(closed);
    await expect(store.findEndpoint(scope, 'whe_x', new Date())).rejects.toThrow(closed);
    await expect(store.listDeliveries(scope, 'whe_x')).rejects.toThrow(closed);
  });
});

describe('createPostgresKeyStore: options', () => {
  it('refuses a misspelled option instead of opening the embedded database in ./data', async () => {
    const cases: [unknown, string][] = [
      [
        { conectionString: SECRET_URL },
        `${CALLER}: options.conectionString is not an option (did you mean options.connectionString?)`,
      ],
      [{ datadir: 'memory://' }, `${CALLER}: options.datadir is not an option (did you mean options.dataDir?)`],
      [{ poolsize: 5 }, `${CALLER}: options.poolsize is not an option (did you mean options.poolSize?)`],
      [
        { lookupTimeout: 200 },
        `${CALLER}: options.lookupTimeout is not an option (did you mean options.lookupTimeoutMs?)`,
      ],
      [
        { ssl: true },
        `${CALLER}: options.ssl is not an option; known: connectionString, dataDir, poolSize, usageFlushIntervalMs, connectTimeoutMs, queryTimeoutMs, lookupTimeoutMs, heartbeatIntervalMs, now, onError`,
      ],
    ];
    for (const [options, message] of cases) expect((await refusal(options)).message).toBe(message);
  });

  it('refuses an option of the wrong type, naming it', async () => {
    const cases: [unknown, string][] = [
      [null, 'options must be an object'],
      [SECRET_URL, 'options must be an object'],
      [{ connectionString: 42 }, 'options.connectionString must be a non-empty PostgreSQL URL'],
      [{ connectionString: '' }, 'options.connectionString must be a non-empty PostgreSQL URL'],
      [{ dataDir: 7 }, 'options.dataDir must be a non-empty folder path or memory://'],
      [{ poolSize: 0 }, 'options.poolSize must be an integer of at least 1'],
      [{ poolSize: '10' }, 'options.poolSize must be an integer of at least 1'],
      [{ usageFlushIntervalMs: 1.5 }, 'options.usageFlushIntervalMs must be an integer from 1 to 2147483647'],
      [{ usageFlushIntervalMs: 2 ** 31 }, 'options.usageFlushIntervalMs must be an integer from 1 to 2147483647'],
      [{ connectTimeoutMs: 0 }, 'options.connectTimeoutMs must be an integer from 1 to 2147483647'],
      [{ queryTimeoutMs: 1.5 }, 'options.queryTimeoutMs must be an integer from 1 to 2147483647'],
      [{ lookupTimeoutMs: '500' }, 'options.lookupTimeoutMs must be an integer from 1 to 2147483647'],
      [{ heartbeatIntervalMs: -1 }, 'options.heartbeatIntervalMs must be an integer from 1 to 2147483647'],
      [{ now: 'yesterday' }, 'options.now must be a function returning a Date'],
      [{ onError: 'log' }, 'options.onError must be a function'],
    ];
    for (const [options, message] of cases) {
      expect((await refusal(options)).message.startsWith(`${CALLER}: ${message}`)).toBe(true);
    }
  });

  it('never quotes the value it refuses: a URL with a password under a wrong name or of a wrong shape', async () => {
    const cases: unknown[] = [
      SECRET_URL,
      { conectionString: SECRET_URL },
      { connectionstring: SECRET_URL },
      { databaseUrl: SECRET_URL },
      { url: SECRET_URL, dataDir: 'memory://' },
      { connectionString: [SECRET_URL] },
      { connectionString: { url: SECRET_URL } },
      { dataDir: { url: SECRET_URL } },
    ];
    for (const options of cases) {
      const err = await refusal(options);
      const shown = `${err.message}\n${inspect(err)}`;
      expect(shown).toMatch(/^@keyward\/store-postgres: createPostgresKeyStore: options/);
      for (const part of ['s3cr3t-Pa55', 'db.internal', 'postgres://']) expect(shown).not.toContain(part);
    }
  });
});

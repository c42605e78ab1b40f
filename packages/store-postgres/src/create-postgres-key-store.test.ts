import { hashApiKey, type KeyChange } from '@keyward/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createPostgresKeyStore } from './create-postgres-key-store.js';

const scope = { tenantId: 't1', environmentId: 'prod' };

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
      expect(errors.map((err) => err.message)).toEqual(['a watch listener threw: a faulty watcher']);
      expect(errors[0]?.cause).toBe(thrown);
    } finally {
      await store.close();
    }
  });
});

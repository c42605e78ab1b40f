// The key every HTTP variant accepts: one memory store, one key, its hash for the hand-made
// baselines. Each server process makes its own and reports it to the parent.
import { createHash } from 'node:crypto';
import { MemoryKeyStore } from '@keyward/core';

export async function oneKey() {
  const store = new MemoryKeyStore();
  const { key } = await store.create({ tenantId: 'bench', environmentId: 'bench', name: 'bench' });
  const hash = createHash('sha256').update(key).digest('hex');
  return { store, key, hash };
}

export const sha256 = (value) => createHash('sha256').update(value).digest('hex');

import type { KeyChange, KeyStore, StoredApiKey } from './key-store.js';

/**
 * One {@link KeyStore} over several, asked in order: the first that knows a hash answers.
 * The reference server puts its static and development keys in front of its database this way.
 *
 * @example
 * const store = chainKeyStores(MemoryKeyStore.fromConfig(config, { devKey: true }), postgresStore);
 */
export function chainKeyStores(...stores: KeyStore[]): KeyStore {
  if (stores.length === 0 || stores.some((s) => typeof s?.findByHash !== 'function')) {
    throw new TypeError('chainKeyStores: every argument must be a KeyStore (an object with findByHash(hash))');
  }
  return {
    async findByHash(hash: string): Promise<StoredApiKey | null> {
      for (const store of stores) {
        const found = await store.findByHash(hash);
        if (found !== null) return found;
      }
      return null;
    },
    watch(listener: (change: KeyChange) => void) {
      const stops = stores.map((s) => s.watch?.(listener));
      return () => {
        for (const stop of stops) stop?.();
      };
    },
    get changesReliable() {
      return stores.every((s) => s.changesReliable !== false);
    },
    recordUsage(id: string, at: Date) {
      for (const store of stores) store.recordUsage?.(id, at);
    },
  };
}

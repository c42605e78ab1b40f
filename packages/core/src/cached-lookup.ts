import type { KeyChange } from './key-store.js';
import {
  createVerificationCache,
  type VerificationCache,
  type VerificationCacheOptions,
} from './verification-cache.js';

/** What a cached lookup needs of a store: its lookup by hash, and its change reports if any. */
export interface LookupSource<T> {
  find(hash: string): Promise<T | null>;
  watch?: ((listener: (change: KeyChange) => void) => () => void) | undefined;
  /** Read anew on every lookup: it may change while a lookup is in flight. */
  reliable(): boolean;
}

/** A store lookup through the verification cache, kept right under change reports. */
export interface CachedLookup<T> {
  lookUp(hash: string): Promise<T | null>;
  readonly cache: VerificationCache<T> | null;
  /** Stops listening to the store's changes. */
  close(): void;
}

function isVerificationCache<T>(value: unknown): value is VerificationCache<T> {
  return (
    typeof value === 'object' && value !== null && typeof (value as VerificationCache<T>).invalidate === 'function'
  );
}

/** The `cache` option of an authenticator: on by default, `false`, a cache, or its options. */
export type CacheOption<T> = boolean | VerificationCache<T> | VerificationCacheOptions | undefined;

/**
 * The one place where a credential's hash is looked up through the cache, shared by the API key
 * and the session authenticators. Every change the store reports evicts at once; while the
 * store says its changes are not reliable the cache is bypassed and, once reliable again,
 * emptied; a lookup that was in flight while a change arrived is not cached (it may carry the
 * answer from before a revocation).
 */
export function createCachedLookup<T>(source: LookupSource<T>, cacheOption: CacheOption<T>): CachedLookup<T> {
  const cache =
    cacheOption === false
      ? null
      : isVerificationCache<T>(cacheOption)
        ? cacheOption
        : createVerificationCache<T>(typeof cacheOption === 'object' ? cacheOption : {});
  let generation = 0;
  const unwatch =
    cache && typeof source.watch === 'function'
      ? source.watch((change) => {
          generation += 1;
          if ('all' in change) cache.clear();
          else cache.invalidate(change.hash);
        })
      : () => {};

  return {
    cache,
    close: unwatch,
    async lookUp(hash) {
      const useCache = cache !== null && source.reliable();
      if (cache !== null && !useCache) {
        // Changes may have been missed while the store was unreliable: nothing cached before
        // can be trusted once it is reliable again.
        generation += 1;
        cache.clear();
      }
      if (useCache) {
        const cached = cache.get(hash);
        if (cached !== undefined) return cached;
      }
      const startedAt = generation;
      const found = await source.find(hash);
      if (useCache && startedAt === generation && source.reliable()) cache.set(hash, found);
      return found;
    },
  };
}

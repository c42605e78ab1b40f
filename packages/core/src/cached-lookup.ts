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

/**
 * Asked just before a new store lookup starts; `false` refuses it. An object, not a function,
 * so that the failure limiter's attempt can be its own gate without a closure per request.
 */
export interface LookupGate {
  open(): boolean;
}

/** What {@link CachedLookup.lookUp} answers when its gate refused a store lookup. */
export const LOOKUP_REFUSED: unique symbol = Symbol('keyward.lookupRefused');

/** The answer of a lookup: at once from the cache, or once the store has answered. */
export type LookupAnswer<T> = T | null | typeof LOOKUP_REFUSED | Promise<T | null>;

/** A store lookup through the verification cache, kept right under change reports. */
export interface CachedLookup<T> {
  /**
   * The record of `hash`, `null` when unknown. A cached answer comes back synchronously (no
   * promise: the hot path allocates none); otherwise a promise. `gate` is asked just before a
   * new store lookup starts (not for a cached answer, nor for joining a lookup of the same hash
   * already in flight); when it says no, the answer is {@link LOOKUP_REFUSED}.
   */
  lookUp(hash: string, gate?: LookupGate): LookupAnswer<T>;
  /** The cached answer only: the record, `null`, or `undefined` when the store would be needed. */
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

function startFind<T>(source: LookupSource<T>, hash: string): Promise<T | null> {
  try {
    return Promise.resolve(source.find(hash));
  } catch (err) {
    // A custom store that throws instead of rejecting.
    return Promise.reject(err);
  }
}

/**
 * The one place where a credential's hash is looked up through the cache, shared by the API key
 * and the session authenticators. Every change the store reports evicts at once; while the
 * store says its changes are not reliable the cache is bypassed and, once reliable again,
 * emptied; a lookup that was in flight while a change arrived is not cached (it may carry the
 * answer from before a revocation). Concurrent lookups of one hash share one store query, but
 * never across a change: a request that starts after a revocation asks the store anew.
 */
export function createCachedLookup<T>(source: LookupSource<T>, cacheOption: CacheOption<T>): CachedLookup<T> {
  const cache =
    cacheOption === false
      ? null
      : isVerificationCache<T>(cacheOption)
        ? cacheOption
        : createVerificationCache<T>(typeof cacheOption === 'object' ? cacheOption : {});
  let generation = 0;
  const inFlight = new Map<string, Promise<T | null>>();
  const unwatch =
    cache && typeof source.watch === 'function'
      ? source.watch((change) => {
          generation += 1;
          inFlight.clear();
          if ('all' in change) cache.clear();
          else cache.invalidate(change.hash);
        })
      : () => {};

  return {
    cache,
    close: unwatch,
    lookUp(hash, gate) {
      const useCache = cache !== null && source.reliable();
      if (cache !== null && !useCache) {
        // Changes may have been missed while the store was unreliable: nothing cached before
        // can be trusted once it is reliable again.
        generation += 1;
        inFlight.clear();
        cache.clear();
      }
      if (useCache) {
        const cached = cache.get(hash);
        if (cached !== undefined) return cached;
        const joined = inFlight.get(hash);
        if (joined !== undefined) return joined;
      }
      if (gate !== undefined && !gate.open()) return LOOKUP_REFUSED;
      const startedAt = generation;
      const settle = () => {
        if (inFlight.get(hash) === pending) inFlight.delete(hash);
      };
      const pending: Promise<T | null> = startFind(source, hash).then(
        (found) => {
          settle();
          if (useCache && startedAt === generation && source.reliable()) cache.set(hash, found);
          return found;
        },
        (err: unknown) => {
          settle();
          throw err;
        },
      );
      if (useCache) inFlight.set(hash, pending);
      return pending;
    },
  };
}

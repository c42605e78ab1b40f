import type { StoredApiKey } from './key-store.js';

/** Options for {@link createVerificationCache}. */
export interface VerificationCacheOptions {
  /** How many keys to remember; past it the oldest entry not used since it was last passed over goes first (an LRU approximation, "second chance"). Default 10,000. */
  maxEntries?: number;
  /** How long a found key is trusted without asking the store. Default 30 s. */
  ttlMs?: number;
  /** How long an unknown key is remembered as unknown. Default 5 s. */
  negativeTtlMs?: number;
  /** The clock in milliseconds, for tests. */
  now?: () => number;
}

/**
 * Remembers what the store said about a key hash, found or not found.
 *
 * Staleness: with a store that reports changes (`watch`, as the memory and PostgreSQL stores
 * do) a revoke, deactivation or rotation evicts the entry at once; only while the store says
 * its changes are not reliable is the cache bypassed. With a store that does not report
 * changes, a revoked key may keep working for up to `ttlMs`. Expiry is checked on every
 * request against the cached `expiresAt`, so it is never late.
 */
export interface VerificationCache<T = StoredApiKey> {
  /** The cached answer: the record, `null` for a known-unknown hash, `undefined` on a miss. */
  get(hash: string): T | null | undefined;
  set(hash: string, value: T | null): void;
  invalidate(hash: string): void;
  clear(): void;
  readonly size: number;
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(`createVerificationCache: ${name} must be a finite number >= 0`);
  }
  return Math.floor(value);
}

/**
 * A bounded, TTL-based cache of store answers, keyed by hash (never by key or token). One per
 * authenticator: API keys and portal sessions each have their own.
 *
 * @example
 * const authenticator = createAuthenticator({ store, cache: createVerificationCache({ ttlMs: 10_000 }) });
 */
export function createVerificationCache<T = StoredApiKey>(
  options: VerificationCacheOptions = {},
): VerificationCache<T> {
  const maxEntries = positiveInteger(options.maxEntries, 10_000, 'maxEntries');
  const ttlMs = positiveInteger(options.ttlMs, 30_000, 'ttlMs');
  const negativeTtlMs = positiveInteger(options.negativeTtlMs, 5_000, 'negativeTtlMs');
  const now = options.now ?? Date.now;
  // Recency by "second chance" (CLOCK): a hit only marks its entry, and eviction, which walks
  // from the oldest insertion, gives a marked entry one more round at the young end instead of
  // dropping it. A hit costs a lookup and a write, not a delete and re-insert per request
  // (which on one hot key cost as much as the SHA-256 it saves).
  const entries = new Map<string, { value: T | null; until: number; used: boolean }>();

  function evictOne(): void {
    // Bounded: every marked entry visited is unmarked, so the second pass finds one to drop.
    for (let visited = 0; visited <= entries.size; visited++) {
      const [hash, entry] = entries.entries().next().value as [
        string,
        { value: T | null; until: number; used: boolean },
      ];
      entries.delete(hash);
      if (!entry.used || entry.until <= now()) return;
      entry.used = false;
      entries.set(hash, entry);
    }
    entries.delete(entries.keys().next().value as string);
  }

  return {
    get(hash) {
      const entry = entries.get(hash);
      if (entry === undefined) return undefined;
      if (entry.until <= now()) {
        entries.delete(hash);
        return undefined;
      }
      entry.used = true;
      return entry.value;
    },
    set(hash, value) {
      const ttl = value === null ? negativeTtlMs : ttlMs;
      if (ttl === 0 || maxEntries === 0) return;
      entries.delete(hash);
      entries.set(hash, { value, until: now() + ttl, used: false });
      while (entries.size > maxEntries) evictOne();
    },
    invalidate(hash) {
      entries.delete(hash);
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}

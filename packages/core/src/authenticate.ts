import { isApiKeyFormat } from './api-key-format.js';
import { ApiKeyError } from './errors.js';
import { extractApiKey, type HeadersLike, isHeaderName, readHeader } from './extract-api-key.js';
import { hashApiKey } from './hash-api-key.js';
import type { KeyStore, StoredApiKey } from './key-store.js';
import { assertKnownOptions } from './known-options.js';
import {
  createVerificationCache,
  type VerificationCache,
  type VerificationCacheOptions,
} from './verification-cache.js';

/** Who a request is, once its key is verified. Never holds the key. */
export interface ApiKeyContext {
  keyId: string;
  tenantId: string;
  environmentId: string;
  userId: string | null;
  scopes: string[];
  name: string;
}

/** An authentication outcome: expected failures are values, not exceptions. */
export type AuthResult = { ok: true; context: ApiKeyContext } | { ok: false; error: ApiKeyError };

/** Options for {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /** Where keys are looked up by hash. */
  store: KeyStore;
  /** The header that carries the key, any case. Default `x-api-key`. */
  header?: string;
  /** The header a caller may send to assert its environment; `false` to ignore it. Default `x-environment-id`. */
  environmentHeader?: string | false;
  /** The verification cache: on by default; `false` to ask the store every time. */
  cache?: boolean | VerificationCache | VerificationCacheOptions;
  /** The clock, for tests. */
  now?: () => Date;
}

/** Verifies the key of a request. Build one per store and reuse it. */
export interface Authenticator {
  /** Never throws for anything a request carries; a failing store gives `auth_unavailable`. */
  authenticate(headers: HeadersLike): Promise<AuthResult>;
  /** The header name it reads, lower case. */
  readonly header: string;
  /** The verification cache, or `null` when off. */
  readonly cache: VerificationCache | null;
  /** Stops listening to the store's changes. */
  close(): void;
}

function isVerificationCache(value: unknown): value is VerificationCache {
  return typeof value === 'object' && value !== null && typeof (value as VerificationCache).invalidate === 'function';
}

/** The option names {@link createAuthenticator} takes. */
export const AUTHENTICATOR_OPTIONS = ['store', 'header', 'environmentHeader', 'cache', 'now'] as const;

const CALLER = '@keyward/core: createAuthenticator';

/**
 * Checks the options an authenticator (or a guard, which builds one) is given; throws naming
 * the bad one. Unknown names are the caller's to check, since a guard takes more.
 */
export function validateAuthenticatorOptions(options: unknown, caller = CALLER): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${caller}: options are required, with a store`);
  }
  const { store, header, environmentHeader } = options as AuthenticatorOptions;
  if (typeof store !== 'object' || store === null || typeof store.findByHash !== 'function') {
    throw new TypeError(`${caller}: options.store must be a KeyStore (an object with findByHash(hash))`);
  }
  if (header !== undefined && !isHeaderName(header)) {
    throw new TypeError(`${caller}: options.header must be a valid HTTP header name, got ${JSON.stringify(header)}`);
  }
  if (environmentHeader !== undefined && environmentHeader !== false && !isHeaderName(environmentHeader)) {
    throw new TypeError(`${caller}: options.environmentHeader must be a valid HTTP header name or false`);
  }
  const { cache, now } = options as AuthenticatorOptions;
  if (cache !== undefined && typeof cache !== 'boolean' && (typeof cache !== 'object' || cache === null)) {
    throw new TypeError(`${caller}: options.cache must be true, false, a VerificationCache or cache options`);
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new TypeError(`${caller}: options.now must be a function returning a Date`);
  }
}

/**
 * Builds the authenticator: extract the key, check its format, look its hash up (through the
 * cache), check that it is active, unexpired and of the environment the caller asserts, and
 * give back its context.
 *
 * @example
 * const auth = createAuthenticator({ store });
 * const result = await auth.authenticate(req.headers);
 * if (!result.ok) return send(result.error.status, result.error.toJSON());
 * result.context.tenantId;
 */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  validateAuthenticatorOptions(options);
  assertKnownOptions(options, AUTHENTICATOR_OPTIONS, CALLER);
  const { store } = options;
  const header = (options.header ?? 'x-api-key').toLowerCase();
  const environmentHeader =
    options.environmentHeader === false ? false : (options.environmentHeader ?? 'x-environment-id');
  const now = options.now ?? (() => new Date());
  const cache =
    options.cache === false
      ? null
      : isVerificationCache(options.cache)
        ? options.cache
        : createVerificationCache(typeof options.cache === 'object' ? options.cache : {});
  // Bumped on every change the store reports. A lookup that was in flight while a key was
  // revoked may carry the old answer; it must not be cached, or the revoked key would keep
  // working for the whole TTL.
  let generation = 0;
  const unwatch =
    cache && typeof store.watch === 'function'
      ? store.watch((change) => {
          generation += 1;
          if ('all' in change) cache.clear();
          else cache.invalidate(change.hash);
        })
      : () => {};

  // A getter on the store, read anew each time: it may change while a lookup is in flight.
  const reliable = () => store.changesReliable !== false;

  async function lookUp(hash: string): Promise<StoredApiKey | null> {
    const useCache = cache !== null && reliable();
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
    const found = await store.findByHash(hash);
    if (useCache && startedAt === generation && reliable()) cache.set(hash, found);
    return found;
  }

  async function verify(headers: HeadersLike): Promise<AuthResult> {
    const extracted = extractApiKey(headers, header);
    if (!extracted.ok) return extracted;
    // A malformed value never reaches the store: no lookups to spend on garbage.
    if (!isApiKeyFormat(extracted.key)) return { ok: false, error: new ApiKeyError('invalid_api_key') };
    let record: StoredApiKey | null;
    try {
      record = await lookUp(hashApiKey(extracted.key));
    } catch (cause) {
      // Fail closed: a store that cannot answer never lets a request through.
      return { ok: false, error: new ApiKeyError('auth_unavailable', { cause }) };
    }
    if (record === null) return { ok: false, error: new ApiKeyError('invalid_api_key') };
    if (!record.active) return { ok: false, error: new ApiKeyError('inactive_api_key') };
    const at = now();
    if (record.expiresAt !== null && record.expiresAt.getTime() <= at.getTime()) {
      return { ok: false, error: new ApiKeyError('expired_api_key') };
    }
    if (environmentHeader !== false) {
      const asserted = readHeader(headers, environmentHeader);
      if (asserted.kind === 'many' || (asserted.kind === 'one' && asserted.value !== record.environmentId)) {
        return { ok: false, error: new ApiKeyError('environment_mismatch') };
      }
    }
    try {
      // An async recordUsage must not leave an unhandled rejection behind (it would end the process).
      const pending: unknown = store.recordUsage?.(record.id, at);
      if (pending instanceof Promise) pending.catch(() => {});
    } catch {
      // Usage tracking is best effort; it never decides a request.
    }
    return {
      ok: true,
      context: {
        keyId: record.id,
        tenantId: record.tenantId,
        environmentId: record.environmentId,
        userId: record.userId,
        scopes: [...record.scopes],
        name: record.name,
      },
    };
  }

  return {
    header,
    cache,
    close: unwatch,
    async authenticate(headers) {
      try {
        return await verify(headers);
      } catch (cause) {
        // Whatever else goes wrong (a malformed record from a custom store, a clock that
        // throws) must not let the request through or escape as an exception.
        return { ok: false, error: new ApiKeyError('auth_unavailable', { cause }) };
      }
    },
  };
}

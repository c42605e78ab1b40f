import { isApiKeyFormat } from './api-key-format.js';
import { createCachedLookup } from './cached-lookup.js';
import { type ApiKeyError, refusal } from './errors.js';
import { extractApiKey, type HeadersLike, isHeaderName, type KeyExtractor, readHeader } from './extract-api-key.js';
import { sha256Hex } from './hash-api-key.js';
import type { KeyStore, StoredApiKey } from './key-store.js';
import { assertKnownOptions } from './known-options.js';
import type { VerificationCache, VerificationCacheOptions } from './verification-cache.js';
import { afterLookup, authenticateWith, registerVerifier, unavailable, type Verify } from './verifier.js';

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
  /**
   * Where the key is, when it is not the whole value of one header: for example
   * {@link bearerKey} for `Authorization: Bearer <key>`. It gets the headers only: a key in the
   * query string is never accepted. Cannot be given with `header`.
   */
  extractKey?: KeyExtractor;
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
  /** The header name it reads, lower case; `null` when `extractKey` finds the key. */
  readonly header: string | null;
  /** The verification cache, or `null` when off. */
  readonly cache: VerificationCache | null;
  /** Stops listening to the store's changes. */
  close(): void;
}

/** The option names {@link createAuthenticator} takes. */
export const AUTHENTICATOR_OPTIONS = ['store', 'header', 'extractKey', 'environmentHeader', 'cache', 'now'] as const;

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
  const { extractKey } = options as AuthenticatorOptions;
  if (extractKey !== undefined && typeof extractKey !== 'function') {
    throw new TypeError(`${caller}: options.extractKey must be a function (headers) => key | undefined`);
  }
  if (extractKey !== undefined && header !== undefined) {
    throw new TypeError(
      `${caller}: options.header and options.extractKey cannot both be given: the key comes from one place`,
    );
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
  const header = options.extractKey === undefined ? (options.header ?? 'x-api-key').toLowerCase() : null;
  const source = options.extractKey ?? (header as string);
  const environmentHeader =
    options.environmentHeader === false ? false : (options.environmentHeader ?? 'x-environment-id');
  const clock = options.now;
  const nowMs = clock === undefined ? Date.now : () => clock().getTime();
  const lookup = createCachedLookup<StoredApiKey>(
    {
      find: (hash) => store.findByHash(hash),
      watch: typeof store.watch === 'function' ? store.watch.bind(store) : undefined,
      reliable: () => store.changesReliable !== false,
    },
    options.cache,
  );

  // What the store's record says of this request. Runs on every request, cached or not:
  // activity, expiry and the asserted environment are never taken from the cache's past.
  function decide(record: StoredApiKey | null, headers: HeadersLike): AuthResult {
    if (record === null) return { ok: false, error: refusal('invalid_api_key') };
    if (!record.active) return { ok: false, error: refusal('inactive_api_key') };
    const at = nowMs();
    if (record.expiresAt !== null && record.expiresAt.getTime() <= at) {
      return { ok: false, error: refusal('expired_api_key') };
    }
    if (environmentHeader !== false) {
      const asserted = readHeader(headers, environmentHeader);
      if (asserted.kind === 'many' || (asserted.kind === 'one' && asserted.value !== record.environmentId)) {
        return { ok: false, error: refusal('environment_mismatch') };
      }
    }
    if (store.recordUsage !== undefined) {
      try {
        // An async recordUsage must not leave an unhandled rejection behind (it would end the process).
        const pending: unknown = store.recordUsage(record.id, new Date(at));
        if (pending instanceof Promise) pending.catch(() => {});
      } catch {
        // Usage tracking is best effort; it never decides a request.
      }
    }
    return {
      ok: true,
      context: {
        keyId: record.id,
        tenantId: record.tenantId,
        environmentId: record.environmentId,
        userId: record.userId,
        scopes: record.scopes.slice(),
        name: record.name,
      },
    };
  }

  const verify: Verify<AuthResult> = (headers, gate) => {
    // Whatever goes wrong (a store that fails, a malformed record from a custom store, a clock
    // that throws) must not let the request through or escape as an exception.
    try {
      const extracted = extractApiKey(headers, source);
      if (!extracted.ok) return extracted;
      // A malformed value never reaches the store, nor the hash: no work to spend on garbage.
      if (!isApiKeyFormat(extracted.key)) return { ok: false, error: refusal('invalid_api_key') };
      return afterLookup(lookup.lookUp(sha256Hex(extracted.key), gate), (record) => decide(record, headers));
    } catch (cause) {
      return unavailable(cause);
    }
  };

  const authenticator: Authenticator = {
    header,
    cache: lookup.cache,
    close: lookup.close,
    authenticate: (headers) => authenticateWith(verify, headers),
  };
  registerVerifier(authenticator, verify);
  return authenticator;
}

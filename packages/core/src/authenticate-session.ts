import { type CacheOption, createCachedLookup } from './cached-lookup.js';
import { type ApiKeyError, refusal } from './errors.js';
import { type HeadersLike, isHeaderName, readHeader } from './extract-api-key.js';
import { sha256Hex } from './hash-api-key.js';
import { assertKnownOptions } from './known-options.js';
import type { PortalSession, SessionStore, StoredSession } from './session-store.js';
import { isSessionTokenFormat } from './session-token.js';
import type { VerificationCache, VerificationCacheOptions } from './verification-cache.js';
import { afterLookup, authenticateWith, registerVerifier, unavailable, type Verify } from './verifier.js';

/** A session authentication outcome: expected failures are values, not exceptions. */
export type SessionAuthResult = { ok: true; session: PortalSession } | { ok: false; error: ApiKeyError };

/** Options for {@link createSessionAuthenticator}. */
export interface SessionAuthenticatorOptions {
  /** Where sessions are looked up by token hash. */
  store: SessionStore;
  /** The header that carries the token, any case. Default `x-session-token`. */
  header?: string;
  /** The verification cache: on by default; `false` to ask the store every time. */
  cache?: boolean | VerificationCache<StoredSession> | VerificationCacheOptions;
  /** The clock, for tests. */
  now?: () => Date;
}

/** Verifies the portal session token of a request. Build one per store and reuse it. */
export interface SessionAuthenticator {
  /** Never throws for anything a request carries; a failing store gives `auth_unavailable`. */
  authenticate(headers: HeadersLike): Promise<SessionAuthResult>;
  /** The header name it reads, lower case. */
  readonly header: string;
  /** Stops listening to the store's changes. */
  close(): void;
}

/** The option names {@link createSessionAuthenticator} takes. */
export const SESSION_AUTHENTICATOR_OPTIONS = ['store', 'header', 'cache', 'now'] as const;

const CALLER = '@keyward/core: createSessionAuthenticator';

/** Checks a session authenticator's (or session guard's) options; throws naming the bad one. */
export function validateSessionAuthenticatorOptions(options: unknown, caller = CALLER): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${caller}: options are required, with a store`);
  }
  const { store, header, cache, now } = options as SessionAuthenticatorOptions;
  if (typeof store !== 'object' || store === null || typeof store.findSessionByHash !== 'function') {
    throw new TypeError(`${caller}: options.store must be a SessionStore (an object with findSessionByHash(hash))`);
  }
  if (header !== undefined && !isHeaderName(header)) {
    throw new TypeError(`${caller}: options.header must be a valid HTTP header name`);
  }
  if (cache !== undefined && typeof cache !== 'boolean' && (typeof cache !== 'object' || cache === null)) {
    throw new TypeError(`${caller}: options.cache must be true, false, a VerificationCache or cache options`);
  }
  if (now !== undefined && typeof now !== 'function') {
    throw new TypeError(`${caller}: options.now must be a function returning a Date`);
  }
}

const invalid = () => ({ ok: false as const, error: refusal('invalid_session_token') });

/**
 * Builds the portal session authenticator: take the one `X-Session-Token` value, check its
 * format (an API key never has it), look its hash up through the cache, refuse a revoked or
 * expired session, and give back who the session acts for.
 *
 * | case | status | code |
 * | --- | --- | --- |
 * | no token | 401 | `missing_session_token` |
 * | malformed (an API key, say), unknown, revoked, sent twice | 401 | `invalid_session_token` |
 * | past `expiresAt` | 401 | `expired_session_token` |
 * | the store cannot answer | 503 | `auth_unavailable` |
 *
 * @example
 * const sessions = createSessionAuthenticator({ store });
 * const result = await sessions.authenticate(req.headers);
 * if (result.ok) result.session.customerId;
 */
export function createSessionAuthenticator(options: SessionAuthenticatorOptions): SessionAuthenticator {
  validateSessionAuthenticatorOptions(options);
  assertKnownOptions(options, SESSION_AUTHENTICATOR_OPTIONS, CALLER);
  const { store } = options;
  const header = (options.header ?? 'x-session-token').toLowerCase();
  const now = options.now ?? (() => new Date());
  const lookup = createCachedLookup<StoredSession>(
    {
      find: (hash) => store.findSessionByHash(hash),
      watch: typeof store.watch === 'function' ? store.watch.bind(store) : undefined,
      reliable: () => store.changesReliable !== false,
    },
    options.cache as CacheOption<StoredSession>,
  );

  function decide(stored: StoredSession | null): SessionAuthResult {
    if (stored === null) return invalid();
    if (stored.expiresAt.getTime() <= now().getTime()) return { ok: false, error: refusal('expired_session_token') };
    return {
      ok: true,
      session: {
        sessionId: stored.id,
        customerId: stored.customerId,
        tenantId: stored.tenantId,
        environmentId: stored.environmentId,
        expiresAt: new Date(stored.expiresAt),
      },
    };
  }

  const verify: Verify<SessionAuthResult> = (headers, gate) => {
    try {
      const found = readHeader(headers, header);
      if (found.kind === 'absent') return { ok: false, error: refusal('missing_session_token') };
      // A malformed value (an API key, a second token joined with a comma) never reaches the store.
      if (found.kind === 'many' || !isSessionTokenFormat(found.value)) return invalid();
      return afterLookup(lookup.lookUp(sha256Hex(found.value), gate), decide);
    } catch (cause) {
      return unavailable(cause);
    }
  };

  const authenticator: SessionAuthenticator = {
    header,
    close: lookup.close,
    authenticate: (headers) => authenticateWith(verify, headers),
  };
  registerVerifier(authenticator, verify);
  return authenticator;
}

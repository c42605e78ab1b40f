import {
  createSessionAuthenticator,
  SESSION_AUTHENTICATOR_OPTIONS,
  type SessionAuthenticator,
  type SessionAuthenticatorOptions,
  type SessionAuthResult,
  validateSessionAuthenticatorOptions,
} from './authenticate-session.js';
import type { ApiKeyError } from './errors.js';
import type { HeadersLike } from './extract-api-key.js';
import type { FailureLimitOptions } from './failure-limiter.js';
import {
  type ClientAddress,
  resolveAuthenticator,
  resolveFailureLimiter,
  resolveOptional,
  verifyLimited,
} from './guard-setup.js';
import { assertKnownOptions } from './known-options.js';
import type { PortalSession, SessionStore } from './session-store.js';
import { verifierOf } from './verifier.js';

/**
 * The options every adapter's session middleware takes, under the same names as the API key
 * middleware (`sessionAuth(options)` in Express, Fastify and Koa).
 */
export interface SessionGuardOptions {
  /** Where sessions are looked up. Give this or `authenticator`. */
  store?: SessionStore;
  /** A prebuilt session authenticator (to share its cache); it has its own store, header and cache. */
  authenticator?: SessionAuthenticator;
  /** The header that carries the token. Default `x-session-token`. */
  header?: string;
  /** The verification cache (see {@link createSessionAuthenticator}). */
  cache?: SessionAuthenticatorOptions['cache'];
  /** Let requests without a token through, with no session. A wrong token is still refused. */
  optional?: boolean;
  /** Failed attempts allowed per client address before 429; on by default (20 a minute), `false` for off. */
  failureLimit?: false | Pick<FailureLimitOptions, 'max' | 'windowMs'>;
}

/** The option names {@link createSessionGuard} takes; an adapter adds its own (`onError`). */
export const SESSION_GUARD_OPTIONS = ['store', 'authenticator', 'header', 'cache', 'optional', 'failureLimit'] as const;

/** The session guard's outcome: a session, `null` (optional mode, no token) or an error to render. */
export type SessionGuardResult = { ok: true; session: PortalSession | null } | { ok: false; error: ApiKeyError };

/** Session authentication, failure limiting and optional mode, for one adapter instance. */
export interface SessionGuard {
  /** Synchronous when the verification cache answers, a promise otherwise: `await` it. */
  check(request: {
    headers: HeadersLike;
    clientAddress?: ClientAddress;
  }): SessionGuardResult | Promise<SessionGuardResult>;
  readonly authenticator: SessionAuthenticator;
  /** Stops the authenticator the guard built (one passed in is left alone). */
  close(): void;
}

/**
 * What every adapter's session middleware does per request, in one place: refuse a client that
 * failed too often (counted before the lookup), authenticate the session token, count a
 * refusal, let a tokenless request through in optional mode. Throws at setup, naming the
 * option, when misconfigured.
 */
export function createSessionGuard(
  options: SessionGuardOptions,
  setup: { caller?: string; adapterOptions?: readonly string[] } = {},
): SessionGuard {
  const { caller = '@keyward/core: createSessionGuard', adapterOptions = [] } = setup;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${caller}: options are required, with a store`);
  }
  assertKnownOptions(options, [...SESSION_GUARD_OPTIONS, ...adapterOptions], caller);
  const { authenticator, owned } = resolveAuthenticator(options, {
    caller,
    ownOptions: SESSION_AUTHENTICATOR_OPTIONS.filter((name) => name !== 'now'),
    factory: 'createSessionAuthenticator',
    build: () => {
      validateSessionAuthenticatorOptions(options, caller);
      const { store, header, cache } = options as SessionAuthenticatorOptions;
      return createSessionAuthenticator({
        store,
        ...(header === undefined ? {} : { header }),
        ...(cache === undefined ? {} : { cache }),
      });
    },
  });
  const optional = resolveOptional(options.optional, caller);
  const limiter = resolveFailureLimiter(options.failureLimit, caller);

  const verify = verifierOf(authenticator);
  // Built once, not per request.
  const finish = (result: SessionAuthResult): SessionGuardResult =>
    !result.ok && optional && result.error.code === 'missing_session_token' ? { ok: true, session: null } : result;

  return {
    authenticator,
    close: owned ? () => authenticator.close() : () => {},
    check({ headers, clientAddress }) {
      return verifyLimited(verify, headers, limiter, clientAddress, finish);
    },
  };
}

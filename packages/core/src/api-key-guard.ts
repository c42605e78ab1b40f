import {
  type ApiKeyContext,
  AUTHENTICATOR_OPTIONS,
  type Authenticator,
  type AuthenticatorOptions,
  type AuthResult,
  createAuthenticator,
  validateAuthenticatorOptions,
} from './authenticate.js';
import { checkScopes } from './check-scopes.js';
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
import type { KeyStore } from './key-store.js';
import { scopeSchema } from './key-store-input.js';
import { assertKnownOptions } from './known-options.js';
import { verifierOf } from './verifier.js';

/**
 * The options every adapter takes, under the same names (`apiKeyAuth(options)` in Express,
 * Fastify and Koa).
 */
export interface ApiKeyGuardOptions {
  /** Where keys are looked up. Give this or `authenticator`. */
  store?: KeyStore;
  /**
   * A prebuilt authenticator (to share its cache). It has its own `store`, `header`,
   * `environmentHeader` and `cache`: giving any of them as well is an error.
   */
  authenticator?: Authenticator;
  /** The header that carries the key. Default `x-api-key`. */
  header?: string;
  /**
   * Where the key is, when it is not the whole value of one header: `bearerKey` for
   * `Authorization: Bearer <key>`, or a function of your own from the headers to the key. Never
   * the query string. Cannot be given with `header`.
   */
  extractKey?: AuthenticatorOptions['extractKey'];
  /** The header a caller may send to assert its environment, or `false`. Default `x-environment-id`. */
  environmentHeader?: string | false;
  /** The verification cache (see {@link createAuthenticator}). */
  cache?: AuthenticatorOptions['cache'];
  /** Let requests without a key through, with no context. A wrong key is still refused. */
  optional?: boolean;
  /** Scopes every guarded request needs. */
  scopes?: string[];
  /**
   * Failed attempts allowed per client address before 429 `too_many_requests`. On by default
   * (20 a minute); `false` turns it off.
   */
  failureLimit?: false | Pick<FailureLimitOptions, 'max' | 'windowMs'>;
}

/** What an adapter knows of the request. */
export interface GuardRequest {
  headers: HeadersLike;
  /** The framework's client address (`req.ip`), or a function returning it, read only when the failure limiter needs it; so its trust-proxy setting holds. */
  clientAddress?: ClientAddress;
  /** Scopes this route needs on top of the guard's own. */
  scopes?: readonly string[];
}

/** The guard's outcome: a context, `null` (optional mode, no key) or an error to render. */
export type GuardResult = { ok: true; context: ApiKeyContext | null } | { ok: false; error: ApiKeyError };

/** Authentication, failure limiting, optional mode and scopes, for one adapter instance. */
export interface ApiKeyGuard {
  /**
   * The request's outcome: synchronous when the verification cache answers (no promise on the
   * hot path), a promise otherwise. `await` it either way.
   */
  check(request: GuardRequest): GuardResult | Promise<GuardResult>;
  readonly authenticator: Authenticator;
  /** Stops the authenticator the guard built (one passed in as `authenticator` is left alone). */
  close(): void;
}

/** The option names {@link createApiKeyGuard} takes; an adapter adds its own (`onError`). */
export const API_KEY_GUARD_OPTIONS = [
  'store',
  'authenticator',
  'header',
  'extractKey',
  'environmentHeader',
  'cache',
  'optional',
  'scopes',
  'failureLimit',
] as const;

/** Who builds a guard, for its error messages and its option check. */
export interface ApiKeyGuardSetup {
  /** Starts every setup error, e.g. `@keyward/express`. */
  caller?: string;
  /** The option names the adapter itself reads, beside the guard's. */
  adapterOptions?: readonly string[];
}

/** Checks a list of scopes given as an option; throws naming the option. */
export function validateScopes(scopes: unknown, caller: string, option = 'scopes'): string[] {
  if (!Array.isArray(scopes) || !scopes.every((s) => scopeSchema.safeParse(s).success)) {
    throw new TypeError(`${caller}: ${option} must be an array of non-empty scope strings`);
  }
  return [...scopes];
}

/**
 * What every adapter does per request, in one place: refuse a client that failed too often,
 * authenticate, count the failure, let a keyless request through in optional mode, check the
 * scopes. Throws at setup (naming the option) when misconfigured, so no misconfiguration can
 * quietly let requests through.
 */
export function createApiKeyGuard(options: ApiKeyGuardOptions, setup: ApiKeyGuardSetup = {}): ApiKeyGuard {
  const { caller = '@keyward/core: createApiKeyGuard', adapterOptions = [] } = setup;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${caller}: options are required, with a store`);
  }
  assertKnownOptions(options, [...API_KEY_GUARD_OPTIONS, ...adapterOptions], caller);
  const { authenticator, owned } = resolveAuthenticator(options, {
    caller,
    // `now` is the authenticator's test clock; a guard does not take it.
    ownOptions: AUTHENTICATOR_OPTIONS.filter((name) => name !== 'now'),
    factory: 'createAuthenticator',
    build: () => {
      validateAuthenticatorOptions(options, caller);
      const { store, header, extractKey, environmentHeader, cache } = options as AuthenticatorOptions;
      return createAuthenticator({
        store,
        ...(header === undefined ? {} : { header }),
        ...(extractKey === undefined ? {} : { extractKey }),
        ...(environmentHeader === undefined ? {} : { environmentHeader }),
        ...(cache === undefined ? {} : { cache }),
      });
    },
  });
  const optional = resolveOptional(options.optional, caller);
  const scopes = options.scopes === undefined ? [] : validateScopes(options.scopes, caller, 'options.scopes');
  const limiter = resolveFailureLimiter(options.failureLimit, caller);

  const verify = verifierOf(authenticator);
  // The guard's outcome of an authentication, given the scopes this request needs.
  const decide = (result: AuthResult, required: readonly string[]): GuardResult => {
    if (!result.ok) {
      // Optional mode lets a keyless request through only where no scope is needed: a
      // scope can only be held by a key.
      if (optional && result.error.code === 'missing_api_key' && required.length === 0) {
        return { ok: true, context: null };
      }
      return result;
    }
    if (required.length === 0) return result;
    const scoped = checkScopes(result.context, required);
    return scoped.ok ? result : scoped;
  };
  // Built once for routes that add no scopes (most of them), so they allocate no closure.
  const finishWithGuardScopes = (result: AuthResult): GuardResult => decide(result, scopes);

  return {
    authenticator,
    close: owned ? () => authenticator.close() : () => {},
    check({ headers, clientAddress, scopes: routeScopes }) {
      const finish =
        routeScopes === undefined || routeScopes.length === 0
          ? finishWithGuardScopes
          : (result: AuthResult) => decide(result, [...scopes, ...routeScopes]);
      return verifyLimited(verify, headers, limiter, clientAddress, finish);
    },
  };
}

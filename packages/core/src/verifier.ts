// How guards verify a credential: synchronously when the cache answers, and with a gate before
// each new store lookup. Shared by the API key and the session authenticators.
import { LOOKUP_REFUSED, type LookupAnswer, type LookupGate } from './cached-lookup.js';
import { ApiKeyError } from './errors.js';
import type { HeadersLike } from './extract-api-key.js';

/**
 * Like an authenticator's `authenticate`, but answering synchronously when the cache knows the
 * credential (no promise on the hot path), and asking `gate` before each new store lookup,
 * which the failure limiter uses to count attempts before they are checked. A refused gate
 * gives {@link LOOKUP_REFUSED}.
 */
export type Verify<R> = (headers: HeadersLike, gate?: LookupGate) => R | typeof LOOKUP_REFUSED | Promise<R>;

const verifiers = new WeakMap<object, Verify<unknown>>();

/** Makes `verify` the guards' way into `authenticator` (see {@link verifierOf}). */
export function registerVerifier<R>(authenticator: object, verify: Verify<R>): void {
  verifiers.set(authenticator, verify as Verify<unknown>);
}

/**
 * The {@link Verify} of an authenticator built by this copy of core; for one built by another
 * copy (two versions installed side by side), its public `authenticate`, ungated.
 */
export function verifierOf<R>(authenticator: { authenticate(headers: HeadersLike): Promise<R> }): Verify<R> {
  return (verifiers.get(authenticator) as Verify<R> | undefined) ?? ((headers) => authenticator.authenticate(headers));
}

/** A failure of the store (or of anything after it) as an outcome: closed, never open. */
export function unavailable(cause: unknown): { ok: false; error: ApiKeyError } {
  return { ok: false, error: new ApiKeyError('auth_unavailable', { cause }) };
}

/**
 * Carries a lookup's answer through `decide`: at once for a cached answer, after the store for
 * a pending one; a failing store or a throwing `decide` is `auth_unavailable`.
 */
export function afterLookup<T, R>(
  answer: LookupAnswer<T>,
  decide: (record: T | null) => R,
): R | { ok: false; error: ApiKeyError } | typeof LOOKUP_REFUSED | Promise<R | { ok: false; error: ApiKeyError }> {
  if (answer === LOOKUP_REFUSED) return LOOKUP_REFUSED;
  if (answer instanceof Promise) {
    return answer.then((record) => {
      try {
        return decide(record);
      } catch (cause) {
        return unavailable(cause);
      }
    }, unavailable);
  }
  return decide(answer as T | null);
}

/** The public, always-a-promise face of a {@link Verify} without a gate. */
export function authenticateWith<R>(verify: Verify<R>, headers: HeadersLike): Promise<R> {
  const result = verify(headers);
  return result instanceof Promise ? result : Promise.resolve(result as R);
}

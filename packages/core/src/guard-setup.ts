// What every guard (API keys, portal sessions) checks at setup, in one place.
import { LOOKUP_REFUSED, type LookupGate } from './cached-lookup.js';
import { type ApiKeyError, refusal } from './errors.js';
import type { HeadersLike } from './extract-api-key.js';
import { createFailureLimiter, type FailureLimiter, type FailureLimitOptions } from './failure-limiter.js';
import type { Verify } from './verifier.js';

/**
 * The guard's authenticator: the one given (refusing the options it already has, which would
 * otherwise be silently ignored), or one built from the options. `owned` says whether the
 * guard built it, and so must close it.
 */
export function resolveAuthenticator<A extends { authenticate: unknown; close(): void }>(
  options: object,
  setup: { caller: string; ownOptions: readonly string[]; factory: string; build: () => A },
): { authenticator: A; owned: boolean } {
  const given = (options as { authenticator?: unknown }).authenticator;
  if (given === undefined) return { authenticator: setup.build(), owned: true };
  if (typeof (given as A | null)?.authenticate !== 'function') {
    throw new TypeError(`${setup.caller}: options.authenticator must come from ${setup.factory}()`);
  }
  const clash = setup.ownOptions.find((name) => (options as Record<string, unknown>)[name] !== undefined);
  if (clash !== undefined) {
    throw new TypeError(
      `${setup.caller}: options.${clash} cannot be given with options.authenticator, which has its own; pass it to ${setup.factory}()`,
    );
  }
  return { authenticator: given as A, owned: false };
}

/** The failure limiter of `failureLimit` (on by default), or `null` for `false`. */
export function resolveFailureLimiter(
  failureLimit: false | Pick<FailureLimitOptions, 'max' | 'windowMs'> | undefined,
  caller: string,
): FailureLimiter | null {
  if (failureLimit === false) return null;
  if (failureLimit !== undefined && (typeof failureLimit !== 'object' || failureLimit === null)) {
    throw new TypeError(`${caller}: options.failureLimit must be { max, windowMs } or false`);
  }
  try {
    return createFailureLimiter(failureLimit ?? {});
  } catch (err) {
    throw new TypeError(`${caller}: options.${(err as Error).message}`);
  }
}

/** Checks `optional`, a boolean everywhere. */
export function resolveOptional(optional: unknown, caller: string): boolean {
  if (optional === undefined) return false;
  if (typeof optional !== 'boolean') throw new TypeError(`${caller}: options.optional must be a boolean`);
  return optional;
}

type Refused = { ok: false; error: ApiKeyError };

/**
 * The client's address, or a function that reads it: frameworks compute it (trust proxy,
 * `X-Forwarded-For`) on demand, and a guard asks for it only when the failure limiter needs it.
 */
export type ClientAddress = string | undefined | (() => string | undefined);

function tooMany(limiter: FailureLimiter, client: string | undefined): Refused {
  return {
    ok: false,
    error: refusal('too_many_requests', { retryAfterSeconds: Math.max(1, limiter.retryAfter(client)) }),
  };
}

/**
 * One attempt under the failure limiter, and the gate of its store lookup: one object per
 * request rather than a closure for each step. It reads the client's address only when the
 * limiter needs it: a valid key the cache knows never does.
 */
class LimitedAttempt implements LookupGate {
  readonly #limiter: FailureLimiter;
  readonly #clientAddress: ClientAddress;
  #client: string | undefined;
  #known = false;
  /** Whether a store lookup reserved its place in the limiter (to be settled). */
  #reserved = false;
  #lockedBefore = false;

  constructor(limiter: FailureLimiter, clientAddress: ClientAddress) {
    this.#limiter = limiter;
    this.#clientAddress = clientAddress;
  }

  #address(): string | undefined {
    if (!this.#known) {
      this.#client = typeof this.#clientAddress === 'function' ? this.#clientAddress() : this.#clientAddress;
      this.#known = true;
    }
    return this.#client;
  }

  open(): boolean {
    const client = this.#address();
    this.#lockedBefore = this.#limiter.retryAfter(client) > 0;
    this.#reserved = this.#limiter.reserve(client);
    return this.#reserved;
  }

  account<A, G extends { ok: true } | Refused>(
    answer: A | typeof LOOKUP_REFUSED,
    finish: (outcome: A) => G,
  ): G | Refused {
    const limiter = this.#limiter;
    if (answer === LOOKUP_REFUSED) return tooMany(limiter, this.#address());
    const outcome = finish(answer);
    if (outcome.ok && !this.#reserved) return outcome;
    const client = this.#address();
    const failed = !outcome.ok && outcome.error.status === 401;
    if (this.#reserved) {
      limiter.settle(client, failed);
      return !outcome.ok && this.#lockedBefore ? tooMany(limiter, client) : outcome;
    }
    if (outcome.ok) return outcome;
    if (limiter.retryAfter(client) > 0) return tooMany(limiter, client);
    if (failed) limiter.recordFailure(client);
    return outcome;
  }
}

/**
 * One verification under the failure limiter, the same for every guard:
 *
 * - an attempt that needs the store reserves its place first (so attempts in flight together
 *   count), and is refused without a lookup when the address is at its limit;
 * - a locked address is answered 429 for anything refused, whether from the cache or from its
 *   one probe lookup per `windowMs / max`;
 * - a valid credential is never refused because others at its address failed: the cache
 *   answers for it, or the probe does;
 * - only 401s count as failures.
 *
 * `finish` turns the authenticator's outcome into the guard's (optional mode, scopes) before
 * it is counted. Synchronous when the cache answers, a promise otherwise.
 */
export function verifyLimited<A, G extends { ok: true } | Refused>(
  verify: Verify<A>,
  headers: HeadersLike,
  limiter: FailureLimiter | null,
  clientAddress: ClientAddress,
  finish: (outcome: A) => G,
): G | Refused | Promise<G | Refused> {
  if (limiter === null) {
    const result = verify(headers) as A | Promise<A>;
    return result instanceof Promise ? result.then(finish) : finish(result);
  }
  const attempt = new LimitedAttempt(limiter, clientAddress);
  const result = verify(headers, attempt);
  return result instanceof Promise
    ? result.then((answer) => attempt.account(answer, finish))
    : attempt.account(result, finish);
}

// What every guard (API keys, portal sessions) checks at setup, in one place.
import { createFailureLimiter, type FailureLimiter, type FailureLimitOptions } from './failure-limiter.js';

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

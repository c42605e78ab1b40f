import type { ApiKeyError } from '@keyward/core';
import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

/**
 * Logs a store that could not answer, at `error`, with the store's own error as `err`: the
 * request is answered 503 `auth_unavailable` with no detail, so the log is where an operator
 * learns why. A store is only ever asked by hash, so no key or token is in what it throws.
 */
export function logStoreFailure(log: FastifyBaseLogger, cause: unknown): void {
  log.error({ err: cause }, 'key store unavailable');
}

/** The guards' `onError`: logs a refusal that a failing store caused, and lets the guard answer it. */
export function logRefusalCause(error: ApiKeyError, request: FastifyRequest): void {
  if (error.code === 'auth_unavailable') logStoreFailure(request.log, error.cause);
}

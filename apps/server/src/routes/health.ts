import { ApiKeyError } from '@keyward/core';
import { logStoreFailure } from '../log-store-failure.js';
import { defineOperation } from '../operation.js';
import { healthSchema } from '../schemas.js';

/**
 * `GET /health`: liveness. No key needed, so load balancers can probe it, and it touches
 * nothing: a process whose database is down is still alive, and restarting it would not help.
 */
export const getHealth = defineOperation({
  operationId: 'getHealth',
  method: 'GET',
  path: '/health',
  auth: 'none',
  summary: 'Liveness: whether the server is up',
  description: 'Answers while the process runs, without asking the store: see /ready for that.',
  tags: ['service'],
  response: { status: 200, description: 'The server is up', schema: healthSchema },
  handler: () => ({ status: 'ok' as const }),
});

// A hash no key or token has (64 zeros is not the SHA-256 of anything known): a lookup of it
// asks the store the question a request would, and finds nothing.
const PROBE_HASH = '0'.repeat(64);

/**
 * `GET /ready`: readiness. Asks the key and session stores a lookup, as a request would (with
 * the store's own lookup timeout), so a load balancer or Kubernetes sends no traffic to an
 * instance that would answer every request 503.
 */
export const getReady = defineOperation({
  operationId: 'getReady',
  method: 'GET',
  path: '/ready',
  auth: 'none',
  summary: 'Readiness: whether the server can authenticate',
  description: 'Looks a hash up in the key and session stores, as a request would.',
  tags: ['service'],
  response: { status: 200, description: 'The stores answer', schema: healthSchema },
  errors: { 503: 'auth_unavailable: a store did not answer (the log says why)' },
  handler: async ({ request }, { storage }) => {
    try {
      await Promise.all([storage.keys.findByHash(PROBE_HASH), storage.sessions.findSessionByHash(PROBE_HASH)]);
    } catch (cause) {
      logStoreFailure(request.log, cause);
      throw new ApiKeyError('auth_unavailable', { cause });
    }
    return { status: 'ok' as const };
  },
});

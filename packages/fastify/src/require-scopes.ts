import { checkScopes } from '@keyward/core';
import { validateScopes } from '@keyward/core/adapter';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CALLER } from './caller.js';
import { sendApiKeyError } from './send-api-key-error.js';

/**
 * A `preHandler` hook that lets a request through only if its key holds every scope: 401
 * `missing_api_key` without a key (a route of an optional guard), 403 `insufficient_scope`
 * when a scope is lacking.
 *
 * @example
 * app.post('/keys', { preHandler: requireScopes('keys:write') }, createKey);
 */
export function requireScopes(
  ...scopes: string[]
): (request: FastifyRequest, reply: FastifyReply) => Promise<FastifyReply | undefined> {
  const required = validateScopes(scopes, `${CALLER}: requireScopes`);
  return async (request, reply) => {
    const result = checkScopes(request.apiKey, required);
    // Returning the reply tells Fastify the response is sent and the handler must not run.
    return result.ok ? undefined : sendApiKeyError(reply, result.error);
  };
}

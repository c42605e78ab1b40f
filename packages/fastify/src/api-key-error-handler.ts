import { isApiKeyError } from '@keyward/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendApiKeyError } from './send-api-key-error.js';

/**
 * An error handler for `app.setErrorHandler()` that renders any keyward error a route or hook
 * throws (`getApiKey`'s refusal, `throw new ApiKeyError('not_found')`) exactly as the plugin
 * renders its own refusals. Anything else is thrown on, so the parent scope's error handler,
 * or Fastify's default one, answers it. Without it Fastify answers a thrown keyward error in
 * its own error shape.
 *
 * @example
 * app.setErrorHandler(apiKeyErrorHandler());
 * app.get('/reports/:id', async () => { throw new ApiKeyError('not_found'); });
 */
export function apiKeyErrorHandler(): (error: unknown, request: FastifyRequest, reply: FastifyReply) => FastifyReply {
  return (error, _request, reply) => {
    if (!isApiKeyError(error)) throw error;
    return sendApiKeyError(reply, error);
  };
}

import type { ApiKeyError } from '@keyward/core';
import { toErrorResponse } from '@keyward/core/adapter';
import type { FastifyReply } from 'fastify';

/**
 * Sends core's rendering of `error`, so the bytes match the Express and Koa adapters. Use it in
 * your own error handlers to answer other API errors (`not_found`, `validation_error`) in the
 * same body.
 *
 * @example
 * app.setNotFoundHandler((_request, reply) => sendApiKeyError(reply, new ApiKeyError('not_found')));
 */
export function sendApiKeyError(reply: FastifyReply, error: ApiKeyError): FastifyReply {
  const { status, headers, body } = toErrorResponse(error);
  return reply.code(status).headers(headers).send(body);
}

import type { ApiKeyError } from '@keyward/core';
import { toErrorResponse } from '@keyward/core/adapter';
import type { Response } from 'express';

/**
 * Sends core's rendering of `error` (status, `Content-Type`, `Retry-After`, the JSON body), so
 * the bytes match the Fastify and Koa adapters. Use it to answer other API errors
 * (`not_found`, `validation_error`) in the same body from a handler.
 *
 * @example
 * app.get('/reports/:id', (req, res) => sendApiKeyError(res, new ApiKeyError('not_found')));
 */
export function sendApiKeyError(res: Response, error: ApiKeyError): void {
  const { status, headers, body } = toErrorResponse(error);
  res.status(status).set(headers).send(body);
}

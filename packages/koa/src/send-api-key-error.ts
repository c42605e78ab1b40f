import type { ApiKeyError } from '@keyward/core';
import { toErrorResponse } from '@keyward/core/adapter';
import type { Context } from 'koa';

/**
 * Sets core's rendering of `error` on the response (status, `Content-Type`, `Retry-After`, the
 * JSON body), so the bytes match the Express and Fastify adapters. Use it to answer other API
 * errors (`not_found`, `validation_error`) in the same body from a middleware.
 *
 * @example
 * router.get('/reports/:id', (ctx) => sendApiKeyError(ctx, new ApiKeyError('not_found')));
 */
export function sendApiKeyError(ctx: Pick<Context, 'status' | 'set' | 'body'>, error: ApiKeyError): void {
  const { status, headers, body } = toErrorResponse(error);
  ctx.status = status;
  // Headers first: a string body set before Content-Type would make Koa call it text/plain.
  ctx.set(headers);
  ctx.body = body;
}

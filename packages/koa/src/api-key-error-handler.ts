import { isApiKeyError } from '@keyward/core';
import type { Middleware } from 'koa';
import type { ApiKeyState } from './api-key-auth.js';
import { sendApiKeyError } from './send-api-key-error.js';

/**
 * Middleware that renders any keyward error thrown after it (`getApiKey`'s refusal,
 * `throw new ApiKeyError('not_found')` in a route) exactly as {@link apiKeyAuth} renders its
 * own refusals, and rethrows anything else to your error handling. `use` it first. Without it
 * Koa answers such errors with its plain-text status message.
 *
 * @example
 * app.use(apiKeyErrorHandler());
 * app.use(apiKeyAuth({ store }));
 */
export function apiKeyErrorHandler(): Middleware<ApiKeyState> {
  return async (ctx, next) => {
    try {
      await next();
    } catch (err) {
      // Once headers are out nothing can be rendered; Koa's own handling ends the response.
      if (!isApiKeyError(err) || ctx.headerSent) throw err;
      sendApiKeyError(ctx, err);
    }
  };
}

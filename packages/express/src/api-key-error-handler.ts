import { isApiKeyError } from '@keyward/core';
import type { ErrorRequestHandler } from 'express';
import { sendApiKeyError } from './send-api-key-error.js';

/**
 * Error middleware that renders any keyward error passed to `next(err)` or thrown by a route
 * (`getApiKey`'s refusal, `throw new ApiKeyError('not_found')`) exactly as {@link apiKeyAuth}
 * renders its own refusals; anything else goes on to the next error handler. Mount it after
 * your routes. Without it Express answers such errors with its HTML error page.
 *
 * @example
 * app.get('/reports/:id', (req, res) => { throw new ApiKeyError('not_found'); });
 * app.use(apiKeyErrorHandler());
 */
export function apiKeyErrorHandler(): ErrorRequestHandler {
  // Four parameters: Express tells error middleware from other middleware by its arity.
  return (err, _req, res, next) => {
    // Once headers are out nothing can be rendered; Express's own handler ends the response.
    if (!isApiKeyError(err) || res.headersSent) return next(err);
    sendApiKeyError(res, err);
  };
}

import { type ApiKeyGuardOptions, createApiKeyGuard } from '@keyward/core/adapter';
import type { RequestHandler } from 'express';
import { CALLER } from './caller.js';
import { checkOnError, guardMiddleware, type OnApiKeyError } from './refuse.js';

/** Options of {@link apiKeyAuth}: core's guard options plus `onError`. */
export interface ApiKeyAuthOptions extends ApiKeyGuardOptions {
  /** Called instead of the standard response when a request is refused. */
  onError?: OnApiKeyError;
}

/**
 * Express middleware (Express 5 and 4) that authenticates the request's API key and sets
 * `req.apiKey`. A refused request gets the standard JSON error and never reaches the next
 * handler, unless `onError` says otherwise. Throws at once when misconfigured.
 *
 * @example
 * app.use(apiKeyAuth({ store }));
 * app.get('/me', (req, res) => res.json(req.apiKey));
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): RequestHandler {
  const guard = createApiKeyGuard(options, { caller: CALLER, adapterOptions: ['onError'] });
  const onError = checkOnError(options?.onError, CALLER);
  // req.ip, not the socket: the app's trust proxy setting decides who the client is.
  return guardMiddleware(
    (req) => guard.check({ headers: req.headers, clientAddress: () => req.ip }),
    (req, result) => {
      req.apiKey = result.context ?? undefined;
    },
    onError,
  );
}

import type { ApiKeyError } from '@keyward/core';
import { type ApiKeyGuardOptions, createApiKeyGuard } from '@keyward/core/adapter';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { CALLER } from './caller.js';
import { sendApiKeyError } from './send-api-key-error.js';

/**
 * Renders a refusal yourself, as an Express error handler would: answer with `res`, pass the
 * error on with `next(err)`, or, deliberately, let the request through with `next()`. Doing
 * none of these by the time it settles sends the standard response.
 */
export type OnApiKeyError = (error: ApiKeyError, req: Request, res: Response, next: NextFunction) => unknown;

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
  const { onError } = options;
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError(`${CALLER}: options.onError must be a function`);
  }
  async function authenticate(req: Request, res: Response, next: NextFunction): Promise<void> {
    // req.ip, not the socket: the app's trust proxy setting decides who the client is.
    const result = await guard.check({ headers: req.headers, clientAddress: req.ip });
    if (result.ok) {
      req.apiKey = result.context ?? undefined;
      return next();
    }
    if (!onError) return sendApiKeyError(res, result.error);
    let passed = false;
    await onError(result.error, req, res, (err?: unknown) => {
      passed = true;
      next(err);
    });
    // An onError that only logs must not leave the request hanging (or, worse, open): once it
    // has settled without answering or passing the request on, the standard refusal goes out.
    if (!passed && !res.headersSent) sendApiKeyError(res, result.error);
  }
  // Express 4 ignores a rejected promise, so failures go to next(err) explicitly.
  return (req, res, next) => {
    authenticate(req, res, next).catch(next);
  };
}

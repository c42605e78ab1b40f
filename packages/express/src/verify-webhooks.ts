import { ApiKeyError } from '@keyward/core';
import { createWebhookGuard, readRequestBody, type WebhookGuardOptions } from '@keyward/core/adapter';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { CALLER } from './caller.js';
import { checkOnError, type OnApiKeyError, refuse } from './refuse.js';

/**
 * Options of {@link verifyWebhooks}: core's webhook guard options (`secrets`, a list or a
 * function of `req`; `toleranceSeconds`; `limit`) plus `onError`.
 */
export interface VerifyWebhooksOptions extends WebhookGuardOptions<Request> {
  /** Called instead of the standard response when a request is refused, as in {@link apiKeyAuth}. */
  onError?: OnApiKeyError;
}

const WEBHOOK_CALLER = `${CALLER}: verifyWebhooks`;

/**
 * Express middleware (Express 5 and 4) for signed webhooks (Standard Webhooks): reads the body
 * itself as its exact bytes, within `limit` (default 1 MiB; 413 before any signature is
 * computed), verifies it, and sets `req.webhook = { id, timestamp, payload }` (`payload` the
 * raw Buffer). Mount it on the webhook routes, before any body parser: a body another parser
 * already turned into an object is refused with 500 `internal_error` (and a log line), never
 * verified. Replays are yours to refuse, by `req.webhook.id`. Throws at once when misconfigured.
 *
 * @example
 * app.post('/webhooks/billing', verifyWebhooks({ secrets: [process.env.WEBHOOK_SECRET] }), (req, res) => {
 *   const event = JSON.parse(req.webhook.payload.toString('utf8'));
 *   res.sendStatus(204);
 * });
 */
export function verifyWebhooks(options: VerifyWebhooksOptions): RequestHandler {
  const guard = createWebhookGuard<Request>(options, { caller: WEBHOOK_CALLER, adapterOptions: ['onError'] });
  const onError = checkOnError(options?.onError, WEBHOOK_CALLER);
  const fail = (error: ApiKeyError, req: Request, res: Response, next: NextFunction) => {
    // A fault of the app, not of the caller: it says why in the log, never in the response.
    if (error.code === 'internal_error') {
      console.error(`${WEBHOOK_CALLER}: refused ${req.method} ${req.originalUrl}:`, String(error.cause));
    }
    return refuse(error, req, res, next, onError);
  };
  async function verify(req: Request, res: Response, next: NextFunction): Promise<void> {
    let payload: Buffer;
    if (Buffer.isBuffer(req.body)) {
      // express.raw() read it already: the exact bytes, if no more than the limit.
      if (req.body.length > guard.limit) return fail(new ApiKeyError('payload_too_large'), req, res, next);
      payload = req.body;
    } else if (req.body !== undefined) {
      const cause = new Error(
        'req.body was already parsed by another body parser (express.json(), say), so the signed bytes are gone: mount verifyWebhooks before it, or mount the parser on the other routes only',
      );
      return fail(new ApiKeyError('internal_error', { cause }), req, res, next);
    } else {
      const read = await readRequestBody(req, { limit: guard.limit, contentLength: req.headers['content-length'] });
      if (!read.ok) return fail(read.error, req, res, next);
      payload = read.body;
    }
    const result = await guard.verify(req, { headers: req.headers, payload });
    if (!result.ok) return fail(result.error, req, res, next);
    req.webhook = result.webhook;
    next();
  }
  // Express 4 ignores a rejected promise, so failures go to next(err) explicitly.
  return (req, res, next) => {
    verify(req, res, next).catch(next);
  };
}

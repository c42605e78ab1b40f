import { ApiKeyError } from '@keyward/core';
import {
  createWebhookGuard,
  readRequestBody,
  type VerifiedWebhook,
  type WebhookGuardOptions,
} from '@keyward/core/adapter';
import type { Middleware, ParameterizedContext } from 'koa';
import { CALLER } from './caller.js';
import { checkOnError, type OnApiKeyError, refuse } from './refuse.js';

/** What {@link verifyWebhooks} adds to `ctx.state`. */
export interface WebhookState {
  /** The verified webhook: `{ id, timestamp, payload }`, `payload` the raw Buffer. */
  webhook?: VerifiedWebhook;
}

/**
 * Options of {@link verifyWebhooks}: core's webhook guard options (`secrets`, a list or a
 * function of `ctx`; `toleranceSeconds`; `limit`) plus `onError`.
 */
export interface VerifyWebhooksOptions extends WebhookGuardOptions<ParameterizedContext<WebhookState>> {
  /** Called instead of the standard response when a request is refused, as in {@link apiKeyAuth}. */
  onError?: OnApiKeyError<WebhookState>;
}

const WEBHOOK_CALLER = `${CALLER}: verifyWebhooks`;

/**
 * Koa middleware (Koa 3 and 2) for signed webhooks (Standard Webhooks): reads the body from the
 * request stream as its exact bytes, within `limit` (default 1 MiB; 413 before any signature is
 * computed), verifies it, and sets `ctx.state.webhook = { id, timestamp, payload }`. Put it
 * before any body parser: a body another parser already consumed is refused with 500
 * `internal_error` (and an `error` event on the app, Koa's log), never verified. Replays are
 * yours to refuse, by `ctx.state.webhook.id`. Throws at once when misconfigured.
 *
 * @example
 * router.post('/webhooks/billing', verifyWebhooks({ secrets: [process.env.WEBHOOK_SECRET] }), (ctx) => {
 *   const event = JSON.parse(ctx.state.webhook.payload.toString('utf8'));
 *   ctx.status = 204;
 * });
 */
export function verifyWebhooks(options: VerifyWebhooksOptions): Middleware<WebhookState> {
  type Context = ParameterizedContext<WebhookState>;
  const guard = createWebhookGuard<Context>(options, { caller: WEBHOOK_CALLER, adapterOptions: ['onError'] });
  const onError = checkOnError<WebhookState>(options?.onError, WEBHOOK_CALLER);
  const fail = (error: ApiKeyError, ctx: Context, next: () => Promise<unknown>) => {
    // A fault of the app, not of the caller: said in Koa's log (the app's `error` event), never
    // in the response.
    if (error.code === 'internal_error') {
      const logged = new Error(`${WEBHOOK_CALLER}: refused ${ctx.method} ${ctx.originalUrl}: ${String(error.cause)}`);
      ctx.app.emit('error', logged, ctx);
    }
    return refuse(error, ctx, next, onError);
  };
  return async (ctx, next) => {
    const parsed = (ctx.request as { body?: unknown }).body;
    let payload: Buffer;
    if (Buffer.isBuffer(parsed)) {
      // A raw body parser read it already: the exact bytes, if no more than the limit.
      if (parsed.length > guard.limit) return fail(new ApiKeyError('payload_too_large'), ctx, next);
      payload = parsed;
    } else if (parsed !== undefined) {
      const cause = new Error(
        'ctx.request.body was already parsed by a body parser, so the signed bytes are gone: use verifyWebhooks before it, or the parser on the other routes only',
      );
      return fail(new ApiKeyError('internal_error', { cause }), ctx, next);
    } else {
      const read = await readRequestBody(ctx.req, { limit: guard.limit, contentLength: ctx.get('content-length') });
      if (!read.ok) return fail(read.error, ctx, next);
      payload = read.body;
    }
    const result = await guard.verify(ctx, { headers: ctx.headers, payload });
    if (!result.ok) return fail(result.error, ctx, next);
    ctx.state.webhook = result.webhook;
    return next();
  };
}

import type { ApiKeyContext, ApiKeyError } from '@keyward/core';
import { type ApiKeyGuardOptions, createApiKeyGuard } from '@keyward/core/adapter';
import type { Middleware, Next, ParameterizedContext } from 'koa';
import { CALLER } from './caller.js';
import { sendApiKeyError } from './send-api-key-error.js';

/** What {@link apiKeyAuth} adds to `ctx.state`. */
export interface ApiKeyState {
  /** The key's context once authenticated; absent without a key in optional mode. */
  apiKey?: ApiKeyContext;
}

/**
 * Renders a refusal yourself: set `ctx.status`/`ctx.body`, throw, or, deliberately, let the
 * request through with `next()`. Doing none of these sends the standard response.
 */
export type OnApiKeyError = (error: ApiKeyError, ctx: ParameterizedContext<ApiKeyState>, next: Next) => unknown;

/** Options of {@link apiKeyAuth}: core's guard options plus `onError`. */
export interface ApiKeyAuthOptions extends ApiKeyGuardOptions {
  /** Called instead of the standard response when a request is refused. */
  onError?: OnApiKeyError;
}

/**
 * Koa middleware (Koa 3 and 2) that authenticates the request's API key and sets
 * `ctx.state.apiKey`. A refused request gets the standard JSON error and never reaches the
 * next middleware, unless `onError` says otherwise. Throws at once when misconfigured.
 *
 * @example
 * app.use(apiKeyAuth({ store }));
 * app.use((ctx) => { ctx.body = ctx.state.apiKey; });
 */
export function apiKeyAuth(options: ApiKeyAuthOptions): Middleware<ApiKeyState> {
  const guard = createApiKeyGuard(options, { caller: CALLER, adapterOptions: ['onError'] });
  const { onError } = options;
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError(`${CALLER}: options.onError must be a function`);
  }
  return async (ctx, next) => {
    // ctx.ip, not the socket: app.proxy decides who the client is.
    const result = await guard.check({ headers: ctx.headers, clientAddress: ctx.ip });
    if (result.ok) {
      ctx.state.apiKey = result.context ?? undefined;
      return next();
    }
    let passed = false;
    if (onError) {
      await onError(result.error, ctx, () => {
        passed = true;
        return next();
      });
    }
    // An onError that only logs must not leave Koa's default 404 or, worse, an open route.
    if (!passed && ctx.body == null) sendApiKeyError(ctx, result.error);
  };
}

import type { ApiKeyContext } from '@keyward/core';
import { type ApiKeyGuardOptions, createApiKeyGuard, type GuardResult } from '@keyward/core/adapter';
import type { Middleware } from 'koa';
import { CALLER } from './caller.js';
import { checkOnError, guardMiddleware, type OnApiKeyError } from './refuse.js';

/** What {@link apiKeyAuth} adds to `ctx.state`. */
export interface ApiKeyState {
  /** The key's context once authenticated; absent without a key in optional mode. */
  apiKey?: ApiKeyContext;
}

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
  const onError = checkOnError<ApiKeyState>(options?.onError, CALLER);
  // ctx.ip, not the socket: app.proxy decides who the client is.
  return guardMiddleware<ApiKeyState, GuardResult>(
    (ctx) => guard.check({ headers: ctx.headers, clientAddress: () => ctx.ip }),
    (ctx, result) => {
      ctx.state.apiKey = result.context ?? undefined;
    },
    onError,
  );
}

import type { ApiKeyError } from '@keyward/core';
import type { Next, ParameterizedContext } from 'koa';
import type { ApiKeyState } from './api-key-auth.js';
import { sendApiKeyError } from './send-api-key-error.js';

/**
 * Renders a refusal yourself: set `ctx.status`/`ctx.body`, throw, or, deliberately, let the
 * request through with `next()`. Doing none of these sends the standard response. `S` is the
 * state of the middleware it is given to (`ApiKeyState`, `PortalSessionState`, `WebhookState`).
 */
export type OnApiKeyError<S = ApiKeyState> = (error: ApiKeyError, ctx: ParameterizedContext<S>, next: Next) => unknown;

/** Refuses `onError` when it is given and is not a function, naming the option. */
export function checkOnError<S>(onError: unknown, caller: string): OnApiKeyError<S> | undefined {
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError(`${caller}: options.onError must be a function`);
  }
  return onError as OnApiKeyError<S> | undefined;
}

/**
 * Answers a refused request the same way in every middleware: `onError` first, if given; the
 * standard response unless it set a body or passed the request on, so that an onError that only
 * logs leaves neither Koa's default 404 nor, worse, an open route.
 */
export async function refuse<S>(
  error: ApiKeyError,
  ctx: ParameterizedContext<S>,
  next: Next,
  onError: OnApiKeyError<S> | undefined,
): Promise<void> {
  let passed = false;
  if (onError) {
    await onError(error, ctx, () => {
      passed = true;
      return next();
    });
  }
  if (!passed && ctx.body == null) sendApiKeyError(ctx, error);
}

type Outcome = { ok: true } | { ok: false; error: ApiKeyError };

/**
 * The middleware of a guard (`apiKeyAuth`, `sessionAuth`): run `check`, hand a success to
 * `accept` and go on, refuse the rest through `onError`. Not an async function: an answer from
 * the cache goes straight on to `next()`, with no promise of its own.
 */
export function guardMiddleware<S, R extends Outcome>(
  check: (ctx: ParameterizedContext<S>) => R | Promise<R>,
  accept: (ctx: ParameterizedContext<S>, result: Extract<R, { ok: true }>) => void,
  onError: OnApiKeyError<S> | undefined,
): (ctx: ParameterizedContext<S>, next: Next) => Promise<unknown> {
  // Declared once, not per request: an answer from the cache allocates no closure here.
  const finish = (ctx: ParameterizedContext<S>, next: Next, result: R): Promise<unknown> => {
    if (result.ok) {
      accept(ctx, result as Extract<R, { ok: true }>);
      return next();
    }
    return refuse((result as Extract<R, { ok: false }>).error, ctx, next, onError);
  };
  return (ctx, next) => {
    const result = check(ctx);
    return result instanceof Promise ? result.then((settled) => finish(ctx, next, settled)) : finish(ctx, next, result);
  };
}

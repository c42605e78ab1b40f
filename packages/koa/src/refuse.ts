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

import { checkScopes } from '@keyward/core';
import { validateScopes } from '@keyward/core/adapter';
import type { Middleware } from 'koa';
import type { ApiKeyState } from './api-key-auth.js';
import { CALLER } from './caller.js';
import { sendApiKeyError } from './send-api-key-error.js';

/**
 * Middleware that lets a request through only if `ctx.state.apiKey` holds every scope: 401
 * `missing_api_key` without a context (behind an optional guard), 403 `insufficient_scope` when
 * a scope is lacking. Put it after {@link apiKeyAuth}.
 *
 * @example
 * router.post('/keys', requireScopes('keys:write'), createKey);
 */
export function requireScopes(...scopes: string[]): Middleware<ApiKeyState> {
  const required = validateScopes(scopes, `${CALLER}: requireScopes`);
  return async (ctx, next) => {
    const result = checkScopes(ctx.state.apiKey, required);
    if (result.ok) return next();
    sendApiKeyError(ctx, result.error);
  };
}

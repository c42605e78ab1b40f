import { checkScopes } from '@keyward/core';
import { validateScopes } from '@keyward/core/adapter';
import type { RequestHandler } from 'express';
import { CALLER } from './caller.js';
import { sendApiKeyError } from './send-api-key-error.js';

/**
 * Middleware that lets a request through only if `req.apiKey` holds every scope: 401
 * `missing_api_key` without a context (behind an optional guard), 403 `insufficient_scope` when
 * a scope is lacking. Put it after {@link apiKeyAuth}.
 *
 * @example
 * app.post('/keys', requireScopes('keys:write'), createKey);
 */
export function requireScopes(...scopes: string[]): RequestHandler {
  const required = validateScopes(scopes, `${CALLER}: requireScopes`);
  return (req, res, next) => {
    const result = checkScopes(req.apiKey, required);
    if (result.ok) next();
    else sendApiKeyError(res, result.error);
  };
}

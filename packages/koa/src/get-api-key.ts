import { type ApiKeyContext, ApiKeyError } from '@keyward/core';

/**
 * The context {@link apiKeyAuth} put in `ctx.state`. Throws `missing_api_key` (an
 * `ApiKeyError`, status 401) when there is none, so a handler behind an optional guard, or
 * mounted without one by mistake, cannot go on as if a key had been checked.
 *
 * @example
 * router.get('/me', (ctx) => { ctx.body = { tenant: getApiKey(ctx).tenantId }; });
 */
export function getApiKey(ctx: { state: { apiKey?: ApiKeyContext | undefined } }): ApiKeyContext {
  if (!ctx.state.apiKey) throw new ApiKeyError('missing_api_key');
  return ctx.state.apiKey;
}

import { type ApiKeyContext, ApiKeyError } from '@keyward/core';

/**
 * The context the {@link apiKeyAuth} plugin set on the request. Throws `missing_api_key` (an
 * `ApiKeyError`, status 401) when there is none, so a handler on an optional or opted-out
 * route cannot go on as if a key had been checked. It also narrows `request.apiKey`'s
 * `ApiKeyContext | null` for TypeScript.
 *
 * @example
 * app.get('/me', async (request) => ({ tenant: getApiKey(request).tenantId }));
 */
export function getApiKey(request: { apiKey?: ApiKeyContext | null | undefined }): ApiKeyContext {
  if (!request.apiKey) throw new ApiKeyError('missing_api_key');
  return request.apiKey;
}

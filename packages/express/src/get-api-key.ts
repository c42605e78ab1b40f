import { type ApiKeyContext, ApiKeyError } from '@keyward/core';

/**
 * The context {@link apiKeyAuth} attached to the request. Throws `missing_api_key` (an
 * `ApiKeyError`, status 401) when there is none, so a handler behind an optional guard, or
 * mounted without one by mistake, cannot go on as if a key had been checked.
 *
 * @example
 * app.get('/me', (req, res) => res.json({ tenant: getApiKey(req).tenantId }));
 */
export function getApiKey(req: { apiKey?: ApiKeyContext | undefined }): ApiKeyContext {
  if (!req.apiKey) throw new ApiKeyError('missing_api_key');
  return req.apiKey;
}

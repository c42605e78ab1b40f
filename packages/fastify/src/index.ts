// The public surface of @keyward/fastify. The augmentations live here, in the entry file, so
// that they survive the .d.ts build.
import type { ApiKeyContext } from '@keyward/core';
import { apiKeyAuth } from './plugin.js';
import type { KeywardRouteConfig } from './route-config.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key's context once authenticated; `null` on opted-out routes and keyless optional requests. */
    apiKey: ApiKeyContext | null;
  }
  interface FastifyContextConfig {
    /** How keyward guards this route: `{ auth: 'none' }` for a public route, `{ scopes }` for more scopes. */
    keyward?: KeywardRouteConfig;
  }
}

export type { ApiKeyContext, ErrorCode } from '@keyward/core';
// Values, not types only: a route throws `new ApiKeyError('not_found')` without importing core.
export { ApiKeyError, isApiKeyError } from '@keyward/core';
export { apiKeyErrorHandler } from './api-key-error-handler.js';
export { getApiKey } from './get-api-key.js';
export { type ApiKeyAuthOptions, apiKeyAuth, type OnApiKeyError } from './plugin.js';
export { requireScopes } from './require-scopes.js';
export type { KeywardRouteConfig } from './route-config.js';
export { sendApiKeyError } from './send-api-key-error.js';
export default apiKeyAuth;

// The public surface of @keyward/fastify. The augmentations live here, in the entry file, so
// that they survive the .d.ts build.
import type { ApiKeyContext } from '@keyward/core';
import { apiKeyAuth } from './plugin.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key's context once authenticated; `null` on opted-out routes and keyless optional requests. */
    apiKey: ApiKeyContext | null;
  }
  interface FastifyContextConfig {
    /** `false` lets this route through without a key. */
    apiKeyAuth?: boolean;
    /** Scopes this route needs on top of the plugin's own. */
    scopes?: readonly string[];
  }
}

export type { ApiKeyContext, ApiKeyError, ErrorCode } from '@keyward/core';
export { isApiKeyError } from '@keyward/core';
export { type ApiKeyAuthOptions, type ApiKeyErrorHandler, apiKeyAuth } from './plugin.js';
export { requireScopes } from './require-scopes.js';
export { sendApiKeyError } from './send-api-key-error.js';
export default apiKeyAuth;

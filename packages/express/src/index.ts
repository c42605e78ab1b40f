// The public surface of @keyward/express. The Request augmentation lives here, in the entry
// file, so that it survives the .d.ts build.
import type { ApiKeyContext } from '@keyward/core';

declare global {
  namespace Express {
    interface Request {
      /** The key's context once {@link apiKeyAuth} let the request through; absent without a key in optional mode. */
      apiKey?: ApiKeyContext;
    }
  }
}

export type { ApiKeyContext, ErrorCode } from '@keyward/core';
// Values, not types only: a route throws `new ApiKeyError('not_found')` without importing core.
export { ApiKeyError, isApiKeyError } from '@keyward/core';
export { type ApiKeyAuthOptions, apiKeyAuth, type OnApiKeyError } from './api-key-auth.js';
export { apiKeyErrorHandler } from './api-key-error-handler.js';
export { getApiKey } from './get-api-key.js';
export { requireScopes } from './require-scopes.js';
export { sendApiKeyError } from './send-api-key-error.js';

// The public surface of @keyward/koa. Typing goes through the middleware's return type,
// Middleware<ApiKeyState>, so there is no global augmentation to keep.
export type { ApiKeyContext, ErrorCode } from '@keyward/core';
// Values, not types only: a route throws `new ApiKeyError('not_found')` without importing core.
export { ApiKeyError, isApiKeyError } from '@keyward/core';
export {
  type ApiKeyAuthOptions,
  type ApiKeyState,
  apiKeyAuth,
  type OnApiKeyError,
} from './api-key-auth.js';
export { apiKeyErrorHandler } from './api-key-error-handler.js';
export { getApiKey } from './get-api-key.js';
export { requireScopes } from './require-scopes.js';
export { sendApiKeyError } from './send-api-key-error.js';

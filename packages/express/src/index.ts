// The public surface of @keyward/express. The Request augmentation lives here, in the entry
// file, so that it survives the .d.ts build.
import type { ApiKeyContext, PortalSession } from '@keyward/core';
import type { VerifiedWebhook } from '@keyward/core/adapter';

declare global {
  namespace Express {
    interface Request {
      /** The key's context once {@link apiKeyAuth} let the request through; absent without a key in optional mode. */
      apiKey?: ApiKeyContext;
      /** The portal session once {@link sessionAuth} let the request through; absent without a token in optional mode. */
      portalSession?: PortalSession;
      /** The verified webhook once {@link verifyWebhooks} let the request through. */
      webhook?: VerifiedWebhook;
    }
  }
}

export type { ApiKeyContext, ErrorCode, PortalSession } from '@keyward/core';
// Values, not types only: a route throws `new ApiKeyError('not_found')` without importing core.
export { ApiKeyError, isApiKeyError } from '@keyward/core';
export type { VerifiedWebhook, WebhookEndpointSecrets } from '@keyward/core/adapter';
export { type ApiKeyAuthOptions, apiKeyAuth } from './api-key-auth.js';
export { apiKeyErrorHandler } from './api-key-error-handler.js';
export { getApiKey } from './get-api-key.js';
export { getPortalSession } from './get-portal-session.js';
export type { OnApiKeyError } from './refuse.js';
export { requireScopes } from './require-scopes.js';
export { sendApiKeyError } from './send-api-key-error.js';
export { type SessionAuthOptions, sessionAuth } from './session-auth.js';
export { type VerifyWebhooksOptions, verifyWebhooks } from './verify-webhooks.js';

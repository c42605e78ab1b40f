// The public surface of @keyward/koa. Typing goes through the middleware's return types,
// Middleware<ApiKeyState>, Middleware<PortalSessionState> and Middleware<WebhookState>, so there
// is no global augmentation to keep.
export type { ApiKeyContext, ErrorCode, PortalSession } from '@keyward/core';
// Values, not types only: a route throws `new ApiKeyError('not_found')` without importing core.
export { ApiKeyError, isApiKeyError } from '@keyward/core';
export type { VerifiedWebhook, WebhookEndpointSecrets } from '@keyward/core/adapter';
export { type ApiKeyAuthOptions, type ApiKeyState, apiKeyAuth } from './api-key-auth.js';
export { apiKeyErrorHandler } from './api-key-error-handler.js';
export { getApiKey } from './get-api-key.js';
export { getPortalSession } from './get-portal-session.js';
export type { OnApiKeyError } from './refuse.js';
export { requireScopes } from './require-scopes.js';
export { sendApiKeyError } from './send-api-key-error.js';
export { type PortalSessionState, type SessionAuthOptions, sessionAuth } from './session-auth.js';
export { type VerifyWebhooksOptions, verifyWebhooks, type WebhookState } from './verify-webhooks.js';

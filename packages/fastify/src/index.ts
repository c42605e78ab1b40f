// The public surface of @keyward/fastify. The augmentations live here, in the entry file, so
// that they survive the .d.ts build.
import type { ApiKeyContext, PortalSession } from '@keyward/core';
import type { VerifiedWebhook } from '@keyward/core/adapter';
import { apiKeyAuth } from './plugin.js';
import type { KeywardRouteConfig } from './route-config.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The key's context once authenticated; `null` on other routes and keyless optional requests. */
    apiKey: ApiKeyContext | null;
    /** The portal session on a `'session'` route once {@link sessionAuth} verified its token; `null` otherwise. */
    portalSession: PortalSession | null;
    /** The verified webhook on a `'signature'` route of a {@link webhookAuth} context; `null` otherwise. */
    webhook: VerifiedWebhook | null;
  }
  interface FastifyContextConfig {
    /**
     * How keyward guards this route: `{ auth: 'none' }` for a public route, `{ scopes }` for
     * more scopes, `{ auth: 'session' }` or `{ auth: 'signature' }` for portal and webhook routes.
     */
    keyward?: KeywardRouteConfig;
  }
}

export type { ApiKeyContext, ErrorCode, PortalSession } from '@keyward/core';
// Values, not types only: a route throws `new ApiKeyError('not_found')` without importing core.
export { ApiKeyError, isApiKeyError } from '@keyward/core';
export type { VerifiedWebhook, WebhookEndpointSecrets } from '@keyward/core/adapter';
export { apiKeyErrorHandler } from './api-key-error-handler.js';
export { getApiKey } from './get-api-key.js';
export { getPortalSession } from './get-portal-session.js';
export { type ApiKeyAuthOptions, apiKeyAuth } from './plugin.js';
export type { OnApiKeyError } from './refuse.js';
export { requireScopes } from './require-scopes.js';
export type { KeywardRouteConfig } from './route-config.js';
export { sendApiKeyError } from './send-api-key-error.js';
export { type SessionAuthOptions, sessionAuth } from './session-auth.js';
export { type WebhookAuthOptions, webhookAuth } from './webhook-auth.js';
export default apiKeyAuth;

// The public surface of @keyward/client: re-exports only.
export { camelCaseKey, snakeCaseKey, toCamelCase, toSnakeCase } from './case.js';
export { createClient, KeywardClient } from './client.js';
export type {
  ApiKeyProvider,
  ClientOptions,
  DebugEvent,
  PortalClientOptions,
  SessionTokenProvider,
} from './client-options.js';
export {
  CLIENT_ERROR_CODES,
  type ClientErrorCode,
  isKeywardError,
  KeywardError,
  type KeywardErrorCode,
  type KeywardErrorOptions,
  type KeywardErrorRequest,
} from './errors.js';
export { type ApiKeyInterceptorOptions, apiKeyInterceptor } from './interceptor.js';
export { createPortalClient, PortalClient } from './portal-client.js';
export { REDACTED } from './redact.js';
export { KeyManagement } from './resources/keys.js';
export { PortalSessions } from './resources/portal.js';
export { WebhookManagement } from './resources/webhooks.js';
export {
  type BackoffOptions,
  DEFAULT_BACKOFF,
  isIdempotentMethod,
  isRetryableStatus,
  parseRetryAfter,
} from './retry.js';
export type {
  ApiKey,
  ApiKeyContext,
  ApiKeyList,
  ApiKeyPage,
  CallOptions,
  CreateApiKeyInput,
  CreatedApiKey,
  CreatedPortalSession,
  CreatedWebhookEndpoint,
  CreatePortalSessionInput,
  CreateWebhookEndpointInput,
  IdempotentCallOptions,
  ListApiKeysInput,
  ListWebhookDeliveriesInput,
  PortalSession,
  QueryValue,
  RequestInput,
  RotateApiKeyInput,
  RotateWebhookSecretInput,
  UpdateApiKeyInput,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpoint,
  WebhookEndpointList,
} from './types.js';

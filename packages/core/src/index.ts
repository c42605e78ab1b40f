// The public surface of @keyward/core for people who use keyward: re-exports only. What
// adapter and server authors need is at @keyward/core/adapter, what store authors need at
// @keyward/core/store.
export { isApiKeyFormat } from './api-key-format.js';
export {
  type ApiKeyContext,
  type Authenticator,
  type AuthenticatorOptions,
  type AuthResult,
  createAuthenticator,
} from './authenticate.js';
export {
  createSessionAuthenticator,
  type SessionAuthenticator,
  type SessionAuthenticatorOptions,
  type SessionAuthResult,
} from './authenticate-session.js';
export { chainKeyStores } from './chain-key-stores.js';
export { checkScopes, hasScopes } from './check-scopes.js';
export {
  DEV_API_KEY,
  DEV_ENVIRONMENT_ID,
  DEV_TENANT_ID,
  DEV_USER_ID,
  isDevelopmentEnv,
  isDevKeyAllowed,
} from './dev-api-key.js';
export { toDisplayId } from './display-id.js';
export {
  ApiKeyError,
  type ApiKeyErrorOptions,
  ERROR_CODES,
  type ErrorBody,
  type ErrorCode,
  isApiKeyError,
  isErrorCode,
} from './errors.js';
export type { HeaderRecord, HeadersLike, KeyExtractor } from './extract-api-key.js';
export { bearerKey } from './extract-api-key.js';
export {
  createFailureLimiter,
  DEFAULT_FAILURE_LIMIT,
  type FailureLimiter,
  type FailureLimitOptions,
} from './failure-limiter.js';
export { generateApiKey } from './generate-api-key.js';
export { hashApiKey } from './hash-api-key.js';
export { type KeyConfig, parseKeyConfig, type StaticKey } from './key-config.js';
export type {
  ApiKeyRecord,
  ApiKeyRecordPage,
  CreateApiKeyRecordInput,
  CreateApiKeyRecordOptions,
  CreatedApiKeyRecord,
  IdempotentCallInput,
  KeyChange,
  KeyScope,
  KeyStore,
  ListApiKeyRecordsInput,
  ManagedKeyStore,
  RotateApiKeyRecordInput,
  StoredApiKey,
  UpdateApiKeyRecordInput,
} from './key-store.js';
export { type FromConfigOptions, MemoryKeyStore, type MemoryKeyStoreOptions } from './memory-key-store.js';
export { MemorySessionStore, type MemorySessionStoreOptions } from './memory-session-store.js';
export { MemoryWebhookStore, type MemoryWebhookStoreOptions } from './memory-webhook-store.js';
export { type SendWebhookInput, type SendWebhookResult, sendWebhook } from './send-webhook.js';
export type {
  CreatedSession,
  CreateSessionInput,
  ManagedSessionStore,
  PortalSession,
  SessionRecord,
  SessionStore,
  StoredSession,
} from './session-store.js';
export { generateSessionToken, hashSessionToken, isSessionTokenFormat } from './session-token.js';
export {
  createVerificationCache,
  type VerificationCache,
  type VerificationCacheOptions,
} from './verification-cache.js';
export {
  generateWebhookKeyPair,
  generateWebhookSecret,
  type SignWebhookInput,
  signWebhook,
  type VerifyWebhookInput,
  verifyWebhook,
  type WebhookFailure,
  type WebhookHeaders,
  type WebhookVerification,
} from './webhook-signatures.js';
export type {
  CreateWebhookEndpointInput,
  ListWebhookDeliveriesInput,
  ManagedWebhookStore,
  RecordDeliveryResult,
  StoredWebhookEndpoint,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpointRecord,
  WebhookEndpointWithSecret,
  WebhookSecret,
} from './webhook-store.js';

// The public surface of @keyward/core: re-exports only.
export { API_KEY_LENGTH, API_KEY_PATTERN, isApiKeyFormat } from './api-key-format.js';
export {
  type ApiKeyGuard,
  type ApiKeyGuardOptions,
  createApiKeyGuard,
  type GuardRequest,
  type GuardResult,
  validateScopes,
} from './api-key-guard.js';
export {
  type ApiKeyContext,
  type Authenticator,
  type AuthenticatorOptions,
  type AuthResult,
  createAuthenticator,
  validateAuthenticatorOptions,
} from './authenticate.js';
export { chainKeyStores } from './chain-key-stores.js';
export { checkScopes, hasScopes } from './check-scopes.js';
export { DEV_API_KEY, DEV_ENVIRONMENT_ID, DEV_TENANT_ID, DEV_USER_ID, isDevKeyAllowed } from './dev-api-key.js';
export { toDisplayId } from './display-id.js';
export {
  ApiKeyError,
  type ApiKeyErrorOptions,
  ERROR_CODES,
  type ErrorBody,
  type ErrorCode,
  type ErrorResponse,
  isApiKeyError,
  isErrorCode,
  toErrorResponse,
} from './errors.js';
export {
  extractApiKey,
  type HeaderRecord,
  type HeadersLike,
  type HeaderValue,
  isHeaderName,
  readHeader,
} from './extract-api-key.js';
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
  CreatedApiKeyRecord,
  KeyChange,
  KeyScope,
  KeyStore,
  ListApiKeyRecordsInput,
  ManagedKeyStore,
  RotateApiKeyRecordInput,
  StoredApiKey,
  UpdateApiKeyRecordInput,
} from './key-store.js';
export {
  generateKeyId,
  identifierSchema,
  keyNameSchema,
  parseCreateApiKeyRecordInput,
  parseKeyScope,
  parseListApiKeyRecordsInput,
  parseRotateApiKeyRecordInput,
  parseUpdateApiKeyRecordInput,
  planRotation,
  prepareApiKey,
  type RotationPlan,
  scopeSchema,
  toApiKeyRecord,
} from './key-store-input.js';
export {
  createDevApiKeyRecord,
  type FromConfigOptions,
  MemoryKeyStore,
  type MemoryKeyStoreOptions,
} from './memory-key-store.js';
export {
  createVerificationCache,
  type VerificationCache,
  type VerificationCacheOptions,
} from './verification-cache.js';

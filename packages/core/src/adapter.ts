// @keyward/core/adapter: what framework adapters, servers and SDKs build on. Re-exports only.
export {
  API_KEY_GUARD_OPTIONS,
  type ApiKeyGuard,
  type ApiKeyGuardOptions,
  type ApiKeyGuardSetup,
  createApiKeyGuard,
  type GuardRequest,
  type GuardResult,
  validateScopes,
} from './api-key-guard.js';
export { describeIssue, formatIssue, type IssueLike } from './describe-issue.js';
export { type ErrorResponse, toErrorResponse } from './errors.js';
export { isHeaderName, isHeaderValue } from './extract-api-key.js';
export { isIdempotencyKey } from './idempotency.js';
export { assertKnownOptions } from './known-options.js';
export {
  type BodyStream,
  type ReadRequestBodyOptions,
  type RequestBodyResult,
  readRequestBody,
} from './read-request-body.js';
export {
  createSessionGuard,
  SESSION_GUARD_OPTIONS,
  type SessionGuard,
  type SessionGuardOptions,
  type SessionGuardResult,
} from './session-guard.js';
export {
  createWebhookGuard,
  type VerifiedWebhook,
  WEBHOOK_GUARD_OPTIONS,
  type WebhookEndpointSecrets,
  type WebhookGuard,
  type WebhookGuardOptions,
  type WebhookGuardResult,
  type WebhookSecretsOption,
} from './webhook-guard.js';

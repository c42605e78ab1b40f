import { describe, expect, it } from 'vitest';
import * as adapter from './adapter.js';
import * as core from './index.js';
import * as store from './store.js';

// Each entry serves one audience; a value added to one of them is a decision, made here.
describe('the public surface, by audience', () => {
  it('@keyward/core: what people who use keyward call', () => {
    expect(Object.keys(core).sort()).toEqual(
      [
        'ApiKeyError',
        'DEFAULT_FAILURE_LIMIT',
        'DEV_API_KEY',
        'DEV_ENVIRONMENT_ID',
        'DEV_TENANT_ID',
        'DEV_USER_ID',
        'ERROR_CODES',
        'MemoryKeyStore',
        'bearerKey',
        'chainKeyStores',
        'checkScopes',
        'createAuthenticator',
        'createFailureLimiter',
        'createVerificationCache',
        'generateApiKey',
        'hasScopes',
        'hashApiKey',
        'isApiKeyError',
        'isApiKeyFormat',
        'isDevKeyAllowed',
        'isDevelopmentEnv',
        'isErrorCode',
        'parseKeyConfig',
        'toDisplayId',
        'createSessionAuthenticator',
        'MemorySessionStore',
        'MemoryWebhookStore',
        'sendWebhook',
        'generateSessionToken',
        'hashSessionToken',
        'isSessionTokenFormat',
        'generateWebhookKeyPair',
        'generateWebhookSecret',
        'signWebhook',
        'verifyWebhook',
      ].sort(),
    );
  });

  it('@keyward/core/adapter: what adapters, servers and SDKs build on', () => {
    expect(Object.keys(adapter).sort()).toEqual(
      [
        'API_KEY_GUARD_OPTIONS',
        'assertKnownOptions',
        'createApiKeyGuard',
        'describeIssue',
        'formatIssue',
        'isHeaderName',
        'isHeaderValue',
        'isIdempotencyKey',
        'toErrorResponse',
        'validateScopes',
        'createSessionGuard',
        'SESSION_GUARD_OPTIONS',
        'createWebhookGuard',
        'WEBHOOK_GUARD_OPTIONS',
        'readRequestBody',
      ].sort(),
    );
  });

  it('@keyward/core/store: what store authors build on', () => {
    expect(Object.keys(store).sort()).toEqual(
      [
        'FIELD_RULES',
        'assertKnownOptions',
        'createChangeEmitter',
        'decodeKeyListCursor',
        'IDEMPOTENCY_KEY_RULE',
        'IDEMPOTENCY_WINDOW_MS',
        'planIdempotentCreate',
        'planIdempotentRotation',
        'replayIdempotentResult',
        'sealIdempotentResult',
        'parseCreateApiKeyRecordInput',
        'parseCreateApiKeyRecordOptions',
        'toApiKeyRecordPage',
        'parseKeyScope',
        'parseListApiKeyRecordsInput',
        'parseRotateApiKeyRecordInput',
        'parseUpdateApiKeyRecordInput',
        'planRotation',
        'prepareApiKey',
        'toApiKeyRecord',
        'prepareSession',
        'SESSION_TTL',
        'toSessionRecord',
        'activeWebhookSecrets',
        'parseWebhookDelivery',
        'planSecretRotation',
        'prepareWebhookEndpoint',
        'toWebhookEndpointRecord',
        'WEBHOOK_RULES',
        'webhookEventType',
      ].sort(),
    );
  });
});

// @keyward/core/store: what key store authors build on, so that every store accepts and
// refuses the same input, rotates alike and tells its watchers the same way. Re-exports only.
export { type ChangeEmitter, createChangeEmitter, type KeyChangeListener } from './change-emitter.js';
export {
  IDEMPOTENCY_KEY_RULE,
  IDEMPOTENCY_WINDOW_MS,
  type IdempotencyRecord,
  type IdempotentCall,
  planIdempotentCreate,
  planIdempotentRotation,
  replayIdempotentResult,
  sealIdempotentResult,
} from './idempotency.js';
export { decodeKeyListCursor, type KeyListPosition } from './key-list-cursor.js';
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
export {
  FIELD_RULES,
  type KeyListPaging,
  parseCreateApiKeyRecordInput,
  parseCreateApiKeyRecordOptions,
  parseKeyScope,
  parseListApiKeyRecordsInput,
  parseRotateApiKeyRecordInput,
  parseUpdateApiKeyRecordInput,
  planRotation,
  prepareApiKey,
  type RotationPlan,
  toApiKeyRecord,
  toApiKeyRecordPage,
} from './key-store-input.js';
export { assertKnownOptions } from './known-options.js';
export type {
  CreatedSession,
  CreateSessionInput,
  ManagedSessionStore,
  SessionRecord,
  SessionStore,
  StoredSession,
} from './session-store.js';
export { prepareSession, SESSION_TTL, toSessionRecord } from './session-store-input.js';
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
export {
  activeWebhookSecrets,
  parseWebhookDelivery,
  planSecretRotation,
  prepareWebhookEndpoint,
  toWebhookEndpointRecord,
  WEBHOOK_RULES,
  webhookEventType,
} from './webhook-store-input.js';

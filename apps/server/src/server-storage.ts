import type { ManagedKeyStore, ManagedSessionStore, ManagedWebhookStore } from '@keyward/core';
import { assertKnownOptions } from '@keyward/core/adapter';

/**
 * Where the server keeps what it manages, one store per kind of thing, so that each can live in
 * the backend that suits it. The PostgreSQL store of `@keyward/store-postgres` is meant to be
 * one object for all three; core's memory stores serve tests and development.
 *
 * @example
 * const storage: ServerStorage = {
 *   keys: new MemoryKeyStore(),
 *   sessions: new MemorySessionStore(),
 *   webhooks: new MemoryWebhookStore(),
 * };
 */
export interface ServerStorage {
  /** API keys: issued and managed here, and looked up after the static keys and the development key. */
  keys: ManagedKeyStore;
  /** Customer portal sessions: minted with a key, used with their token (`X-Session-Token`). */
  sessions: ManagedSessionStore;
  /** Webhook receiving endpoints, their secrets and the deliveries received (the replay check). */
  webhooks: ManagedWebhookStore;
}

// The methods the server calls on each store: a store missing one would fail on the first
// request that needs it, so it is refused at boot instead.
const REQUIRED_METHODS = {
  keys: { type: 'ManagedKeyStore', methods: ['findByHash', 'create', 'get', 'list', 'update', 'revoke', 'rotate'] },
  sessions: { type: 'ManagedSessionStore', methods: ['findSessionByHash', 'createSession', 'revokeSession'] },
  webhooks: {
    type: 'ManagedWebhookStore',
    methods: [
      'createEndpoint',
      'listEndpoints',
      'findEndpoint',
      'deleteEndpoint',
      'rotateEndpointSecret',
      'recordDelivery',
      'listDeliveries',
    ],
  },
} as const satisfies Record<keyof ServerStorage, { type: string; methods: readonly string[] }>;

const STORAGE_FIELDS = Object.keys(REQUIRED_METHODS) as Array<keyof ServerStorage>;

/**
 * Checks `options.storage` at setup, so that a misspelt store (`{ kyes }`), a missing one or one
 * that cannot do its job (a read-only key store) stops the app at boot rather than failing on
 * the first request that needs it.
 */
export function assertServerStorage(value: unknown, caller: string): asserts value is ServerStorage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${caller}: options.storage must be an object such as { keys, sessions, webhooks }`);
  }
  assertKnownOptions(value, STORAGE_FIELDS, caller, 'options.storage');
  for (const field of STORAGE_FIELDS) {
    const store = (value as Record<string, Record<string, unknown> | undefined>)[field];
    const { type, methods } = REQUIRED_METHODS[field];
    if (methods.some((method) => typeof store?.[method] !== 'function')) {
      throw new TypeError(`${caller}: options.storage.${field} must be a ${type}`);
    }
  }
}

import type { ManagedKeyStore } from '@keyward/core';
import { assertKnownOptions } from '@keyward/core/adapter';

/**
 * Where the server keeps what it manages, one store per kind of thing. Only API keys exist
 * today; portal sessions and webhook endpoints and deliveries join here as their own fields,
 * so that each can live in the backend that suits it.
 *
 * @example
 * const storage: ServerStorage = { keys: await createPostgresKeyStore({ dataDir: './data' }) };
 */
export interface ServerStorage {
  /** API keys: issued and managed here, and looked up after the static keys and the development key. */
  keys: ManagedKeyStore;
}

const STORAGE_FIELDS = ['keys'] as const satisfies ReadonlyArray<keyof ServerStorage>;
const MANAGED_KEY_STORE_METHODS = ['findByHash', 'create', 'get', 'list', 'update', 'revoke', 'rotate'] as const;

/**
 * Checks `options.storage` at setup, so that a misspelt store (`{ kyes }`) or a read-only one
 * stops the app at boot rather than failing on the first request that needs it.
 */
export function assertServerStorage(value: unknown, caller: string): asserts value is ServerStorage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${caller}: options.storage must be an object such as { keys }`);
  }
  assertKnownOptions(value, STORAGE_FIELDS, caller, 'options.storage');
  const keys = (value as { keys?: Record<string, unknown> }).keys;
  if (MANAGED_KEY_STORE_METHODS.some((method) => typeof keys?.[method] !== 'function')) {
    throw new TypeError(`${caller}: options.storage.keys must be a ManagedKeyStore`);
  }
}

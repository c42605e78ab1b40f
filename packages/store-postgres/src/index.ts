// The public surface of @keyward/store-postgres: re-exports only.
export {
  createPostgresKeyStore,
  type PostgresKeyStore,
  type PostgresKeyStoreOptions,
} from './create-postgres-key-store.js';

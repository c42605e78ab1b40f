import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import {
  DEV_API_KEY,
  type ManagedKeyStore,
  MemoryKeyStore,
  MemorySessionStore,
  MemoryWebhookStore,
} from '@keyward/core';
import { createPostgresKeyStore, type PostgresKeyStore } from '@keyward/store-postgres';
import { createTestDatabase } from '@keyward/test-kit/pg-test-db';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { ServerStorage } from '../src/server-storage.js';

/** A backend under test and how to dispose of it. */
interface StoreHandle {
  /** The key store, where tests make their admin keys directly. */
  store: ManagedKeyStore;
  /** What `createApp` is given: `store` for keys, and the session and webhook stores beside it. */
  storage: ServerStorage;
  /** Storage for a second instance on the same database (PostgreSQL only), for multi-instance tests. */
  reopen?: () => Promise<ServerStorage>;
  close(): Promise<void>;
}

/** Makes a fresh, empty backend; `null` when it is not available here. */
export type StoreFactory = () => Promise<StoreHandle | null>;

/** Storage on core's memory stores, around `keys` (a fresh memory key store by default). */
export function memoryStorage(keys: ManagedKeyStore = new MemoryKeyStore()): ServerStorage {
  return { keys, sessions: new MemorySessionStore(), webhooks: new MemoryWebhookStore() };
}

// The PostgreSQL store is one object for keys, sessions and webhooks, as main.ts uses it.
function storageOn(store: PostgresKeyStore): ServerStorage {
  return { keys: store, sessions: store, webhooks: store };
}

export const memoryStore: StoreFactory = async () => {
  const storage = memoryStorage();
  return { store: storage.keys, storage, close: async () => {} };
};

export const pgliteStore: StoreFactory = async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'keyward-server-pglite-'));
  const store = await createPostgresKeyStore({ dataDir });
  return {
    store,
    storage: storageOn(store),
    close: async () => {
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
};

/** A PostgreSQL store on a database of its own; `null` when no server runs (and not CI). */
export const postgresStore: StoreFactory = async () => {
  const db = await createTestDatabase();
  if (db === null) return null;
  const opened: Array<{ close(): Promise<void> }> = [];
  const open = async () => {
    const store = await createPostgresKeyStore({ connectionString: db.url });
    opened.push(store);
    return store;
  };
  const store = await open();
  return {
    store,
    storage: storageOn(store),
    reopen: async () => storageOn(await open()),
    close: async () => {
      for (const s of opened) await s.close();
      await db.drop();
    },
  };
};

/** Headers for a request with this key. */
export function withKey(key: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'x-api-key': key, ...extra };
}

export const devHeaders = withKey(DEV_API_KEY);

/** The parsed JSON body of an inject response. */
export function body<T = Record<string, unknown>>(res: LightMyRequestResponse): T {
  return JSON.parse(res.body) as T;
}

/** The error code of an error response, or undefined. */
export function errorCode(res: LightMyRequestResponse): string | undefined {
  return (body(res) as { error?: { code?: string } }).error?.code;
}

/** Creates a key through the API and returns the plaintext and record. */
export async function createKeyVia(
  app: FastifyInstance,
  key: string,
  payload: Record<string, unknown>,
): Promise<{ key: string; id: string; secret: Record<string, unknown> }> {
  const res = await app.inject({ method: 'POST', url: '/v1/secrets/api/keys', headers: withKey(key), payload });
  if (res.statusCode !== 201) throw new Error(`create failed: ${res.statusCode} ${res.body}`);
  const json = body<{ api_key: string; secret: Record<string, unknown> }>(res);
  return { key: json.api_key, id: json.secret.id as string, secret: json.secret };
}

/**
 * A stream for a test app's `logger.stream`, keeping every line: `text()` all of them as written,
 * `entries()` each parsed as the JSON line pino writes.
 */
export function captureLogs<Entry = Record<string, unknown>>() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return {
    stream,
    text: () => lines.join(''),
    entries: () => lines.map((line) => JSON.parse(line) as Entry),
  };
}

import { createChangeEmitter } from './change-emitter.js';
import { DEV_API_KEY, DEV_ENVIRONMENT_ID, DEV_TENANT_ID, DEV_USER_ID, isDevKeyAllowed } from './dev-api-key.js';
import { toDisplayId } from './display-id.js';
import { hashApiKey } from './hash-api-key.js';
import { type KeyConfig, toKeyConfig } from './key-config.js';
import type {
  ApiKeyRecord,
  ApiKeyRecordPage,
  CreateApiKeyRecordInput,
  CreatedApiKeyRecord,
  KeyChange,
  KeyScope,
  ListApiKeyRecordsInput,
  ManagedKeyStore,
  RotateApiKeyRecordInput,
  StoredApiKey,
  UpdateApiKeyRecordInput,
} from './key-store.js';
import {
  parseKeyScope,
  parseListApiKeyRecordsInput,
  parseRotateApiKeyRecordInput,
  parseUpdateApiKeyRecordInput,
  planRotation,
  prepareApiKey,
  toApiKeyRecord,
} from './key-store-input.js';
import { assertKnownOptions } from './known-options.js';

/** Options for {@link MemoryKeyStore}. */
export interface MemoryKeyStoreOptions {
  /** The clock, for tests. */
  now?: () => Date;
}

/** Options for {@link MemoryKeyStore.fromConfig}. */
export interface FromConfigOptions extends MemoryKeyStoreOptions {
  /**
   * Also accept {@link DEV_API_KEY}. Default `false`. Refused (with a thrown error) when
   * `NODE_ENV` is `production`: the development key is public.
   */
  devKey?: boolean;
}

/** The record of the development key: every scope, in the development tenant. */
export function createDevApiKeyRecord(now: Date = new Date(0)): StoredApiKey {
  return {
    id: 'key_dev',
    hash: hashApiKey(DEV_API_KEY),
    name: 'Development key',
    type: 'private_key',
    displayId: toDisplayId(DEV_API_KEY),
    tenantId: DEV_TENANT_ID,
    environmentId: DEV_ENVIRONMENT_ID,
    userId: DEV_USER_ID,
    scopes: ['*'],
    active: true,
    expiresAt: null,
    successorId: null,
    lastUsedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * A {@link ManagedKeyStore} in process memory: for tests, for development, and for static keys
 * from a config file. Keys are lost when the process ends.
 *
 * @example
 * const store = new MemoryKeyStore();
 * const { key, apiKey } = await store.create({ tenantId: 't1', environmentId: 'dev', name: 'ci' });
 */
export class MemoryKeyStore implements ManagedKeyStore {
  readonly #byHash = new Map<string, StoredApiKey>();
  readonly #hashById = new Map<string, string>();
  readonly #changes = createChangeEmitter();
  readonly #now: () => Date;

  constructor(options: MemoryKeyStoreOptions = {}) {
    assertKnownOptions(options, ['now'], '@keyward/core: MemoryKeyStore');
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TypeError('@keyward/core: MemoryKeyStore: options.now must be a function returning a Date');
    }
    this.#now = options.now ?? (() => new Date());
  }

  /**
   * A store holding the static keys of a config (docs/server.md, "Static keys"): the file's
   * JSON (object or text, validated here), or a {@link KeyConfig} from {@link parseKeyConfig};
   * with `devKey: true` also the development key.
   *
   * @throws TypeError naming the bad entry and field, or when `devKey` is asked for in production.
   */
  static fromConfig(config: unknown, options: FromConfigOptions = {}): MemoryKeyStore {
    assertKnownOptions(options, ['now', 'devKey'], '@keyward/core: MemoryKeyStore.fromConfig');
    // Only `true` turns the public key on: a truthy string such as 'false' from an environment
    // variable must not.
    if (options.devKey !== undefined && typeof options.devKey !== 'boolean') {
      throw new TypeError('@keyward/core: MemoryKeyStore.fromConfig: options.devKey must be true or false');
    }
    if (options.devKey && !isDevKeyAllowed()) {
      throw new TypeError(
        '@keyward/core: MemoryKeyStore.fromConfig: the development key (DEV_API_KEY) is public and cannot be enabled when NODE_ENV is production',
      );
    }
    const parsed: KeyConfig = toKeyConfig(config);
    const store = new MemoryKeyStore(options.now === undefined ? {} : { now: options.now });
    const now = store.#now();
    for (const entry of parsed.keys) {
      store.#insert({
        id: `key_static_${entry.hash.slice(0, 16)}`,
        hash: entry.hash,
        name: entry.name,
        type: 'private_key',
        displayId: 'static',
        tenantId: entry.tenantId,
        environmentId: entry.environmentId,
        userId: entry.userId,
        scopes: [...entry.scopes],
        active: entry.active,
        expiresAt: entry.expiresAt,
        successorId: null,
        lastUsedAt: null,
        createdAt: now,
        updatedAt: now,
      });
    }
    if (options.devKey) store.#insert(createDevApiKeyRecord(now));
    return store;
  }

  async findByHash(hash: string): Promise<StoredApiKey | null> {
    const found = this.#byHash.get(hash);
    return found ? { ...found, scopes: [...found.scopes] } : null;
  }

  watch(listener: (change: KeyChange) => void): () => void {
    return this.#changes.watch(listener);
  }

  recordUsage(id: string, at: Date): void {
    const hash = this.#hashById.get(id);
    const record = hash === undefined ? undefined : this.#byHash.get(hash);
    if (record) record.lastUsedAt = at;
  }

  async create(input: CreateApiKeyRecordInput): Promise<CreatedApiKeyRecord> {
    const { key, record } = prepareApiKey(input, this.#now());
    this.#insert(record);
    return { key, apiKey: toApiKeyRecord(record) };
  }

  async get(scope: KeyScope, id: string): Promise<ApiKeyRecord | null> {
    const record = this.#find(scope, id);
    return record ? toApiKeyRecord(record) : null;
  }

  async list(scope: KeyScope, options?: ListApiKeyRecordsInput): Promise<ApiKeyRecordPage> {
    const { tenantId, environmentId } = parseKeyScope(scope);
    const { limit, offset } = parseListApiKeyRecordsInput(options);
    const all = [...this.#byHash.values()]
      .filter((r) => r.tenantId === tenantId && r.environmentId === environmentId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
    return { items: all.slice(offset, offset + limit).map(toApiKeyRecord), total: all.length };
  }

  async update(scope: KeyScope, id: string, input: UpdateApiKeyRecordInput): Promise<ApiKeyRecord | null> {
    const changes = parseUpdateApiKeyRecordInput(input);
    const record = this.#find(scope, id);
    if (!record) return null;
    if (changes.name !== undefined) record.name = changes.name;
    if (changes.active !== undefined) record.active = changes.active;
    record.updatedAt = this.#now();
    this.#changes.emit({ hash: record.hash });
    return toApiKeyRecord(record);
  }

  async revoke(scope: KeyScope, id: string): Promise<boolean> {
    const record = this.#find(scope, id);
    if (!record) return false;
    this.#byHash.delete(record.hash);
    this.#hashById.delete(record.id);
    this.#changes.emit({ hash: record.hash });
    return true;
  }

  async rotate(scope: KeyScope, id: string, options?: RotateApiKeyRecordInput): Promise<CreatedApiKeyRecord | null> {
    const { gracePeriodSeconds } = parseRotateApiKeyRecordInput(options);
    const old = this.#find(scope, id);
    if (!old) return null;
    const now = this.#now();
    // From the check to the write without an await: rotations racing on this key run one after
    // another, and each after the first sees the successor (or the key gone) and is refused.
    const plan = planRotation(old, gracePeriodSeconds, now);
    const { key, record } = prepareApiKey(plan.successor, now);
    this.#insert(record);
    if (plan.oldKeyExpiresAt === null) {
      this.#byHash.delete(old.hash);
      this.#hashById.delete(old.id);
    } else {
      old.expiresAt = plan.oldKeyExpiresAt;
      old.successorId = record.id;
      old.updatedAt = now;
    }
    this.#changes.emit({ hash: old.hash });
    return { key, apiKey: toApiKeyRecord(record) };
  }

  #insert(record: StoredApiKey): void {
    this.#byHash.set(record.hash, record);
    this.#hashById.set(record.id, record.hash);
  }

  #find(scope: KeyScope, id: string): StoredApiKey | undefined {
    const { tenantId, environmentId } = parseKeyScope(scope);
    if (typeof id !== 'string') return undefined;
    const hash = this.#hashById.get(id);
    const record = hash === undefined ? undefined : this.#byHash.get(hash);
    // Another scope's key is reported exactly like a missing one.
    return record && record.tenantId === tenantId && record.environmentId === environmentId ? record : undefined;
  }
}

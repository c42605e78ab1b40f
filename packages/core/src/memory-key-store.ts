import { createChangeEmitter } from './change-emitter.js';
import { DEV_API_KEY, DEV_ENVIRONMENT_ID, DEV_TENANT_ID, DEV_USER_ID, isDevKeyAllowed } from './dev-api-key.js';
import { toDisplayId } from './display-id.js';
import { hashApiKey } from './hash-api-key.js';
import {
  type IdempotencyRecord,
  type IdempotentCall,
  isIdempotencyRecordLive,
  planIdempotentCreate,
  planIdempotentRotation,
  replayIdempotentResult,
  sealIdempotentResult,
} from './idempotency.js';
import { type KeyConfig, toKeyConfig } from './key-config.js';
import { isAfterKeyListPosition } from './key-list-cursor.js';
import type {
  ApiKeyRecord,
  ApiKeyRecordPage,
  CreateApiKeyRecordInput,
  CreateApiKeyRecordOptions,
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
  parseCreateApiKeyRecordInput,
  parseCreateApiKeyRecordOptions,
  parseKeyScope,
  parseListApiKeyRecordsInput,
  parseRotateApiKeyRecordInput,
  parseUpdateApiKeyRecordInput,
  planRotation,
  prepareApiKey,
  toApiKeyRecord,
  toApiKeyRecordPage,
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
  /** Idempotency records by tenant, environment and idempotency key hash; the results sealed. */
  readonly #idempotency = new Map<string, IdempotencyRecord>();
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

  async create(input: CreateApiKeyRecordInput, options?: CreateApiKeyRecordOptions): Promise<CreatedApiKeyRecord> {
    const { idempotencyKey } = parseCreateApiKeyRecordOptions(options);
    const now = this.#now();
    if (idempotencyKey === undefined) return this.#createNow(input, now);
    const parsed = parseCreateApiKeyRecordInput(input);
    return this.#once(planIdempotentCreate(parsed, idempotencyKey), now, () => this.#createNow(parsed, now));
  }

  async get(scope: KeyScope, id: string): Promise<ApiKeyRecord | null> {
    const record = this.#find(scope, id);
    return record ? toApiKeyRecord(record) : null;
  }

  async list(scope: KeyScope, options?: ListApiKeyRecordsInput): Promise<ApiKeyRecordPage> {
    const { tenantId, environmentId } = parseKeyScope(scope);
    const paging = parseListApiKeyRecordsInput(options);
    const { limit, offset, after } = paging;
    const all = [...this.#byHash.values()]
      .filter((r) => r.tenantId === tenantId && r.environmentId === environmentId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));
    const start = after === undefined ? offset : all.filter((r) => !isAfterKeyListPosition(r, after)).length;
    return toApiKeyRecordPage(all.slice(start, start + limit + 1), paging, { total: all.length, before: start });
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
    const { gracePeriodSeconds, idempotencyKey } = parseRotateApiKeyRecordInput(options);
    const parsedScope = parseKeyScope(scope);
    const now = this.#now();
    const rotate = () => this.#rotateNow(parsedScope, id, gracePeriodSeconds, now);
    if (idempotencyKey === undefined || typeof id !== 'string') return rotate();
    return this.#once(planIdempotentRotation(parsedScope, id, gracePeriodSeconds, idempotencyKey), now, rotate);
  }

  // Everything below runs without an await, so a create or rotation and its idempotency record
  // happen at once: no concurrent call can slip between the check and the write.

  #createNow(input: unknown, now: Date): CreatedApiKeyRecord {
    const { key, record } = prepareApiKey(input, now);
    this.#insert(record);
    return { key, apiKey: toApiKeyRecord(record) };
  }

  #rotateNow(scope: KeyScope, id: string, gracePeriodSeconds: number, now: Date): CreatedApiKeyRecord | null {
    const old = this.#find(scope, id);
    if (!old) return null;
    // From the check to the write without an await: rotations racing on this key run one after
    // another, and each after the first sees the successor (or the key gone) and is refused.
    const plan = planRotation(old, gracePeriodSeconds, now);
    const created = this.#createNow(plan.successor, now);
    if (plan.oldKeyExpiresAt === null) {
      this.#byHash.delete(old.hash);
      this.#hashById.delete(old.id);
    } else {
      old.expiresAt = plan.oldKeyExpiresAt;
      old.successorId = created.apiKey.id;
      old.updatedAt = now;
    }
    this.#changes.emit({ hash: old.hash });
    return created;
  }

  /** Runs `call` once per idempotency key and request; a retry gets the sealed first result back. */
  #once(call: IdempotentCall, now: Date, run: () => CreatedApiKeyRecord): CreatedApiKeyRecord;
  #once(call: IdempotentCall, now: Date, run: () => CreatedApiKeyRecord | null): CreatedApiKeyRecord | null;
  #once(call: IdempotentCall, now: Date, run: () => CreatedApiKeyRecord | null): CreatedApiKeyRecord | null {
    for (const [slot, record] of this.#idempotency) {
      if (!isIdempotencyRecordLive(record.createdAt, now)) this.#idempotency.delete(slot);
    }
    const slot = JSON.stringify([call.scope.tenantId, call.scope.environmentId, call.keyHash]);
    const found = this.#idempotency.get(slot);
    if (found) return replayIdempotentResult(call, found);
    const result = run();
    // A call that found nothing to rotate records nothing: its key stays free for a real call.
    if (result !== null) {
      this.#idempotency.set(slot, {
        fingerprint: call.fingerprint,
        sealed: sealIdempotentResult(call, result),
        createdAt: now,
      });
    }
    return result;
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

/**
 * What a key store holds for one key. It never holds the key itself: only its SHA-256
 * (`hash`) and the `displayId` that shows at most 8 of its characters.
 */
export interface StoredApiKey {
  id: string;
  /** SHA-256 of the key, 64 lowercase hex characters. */
  hash: string;
  name: string;
  type: 'private_key';
  /** At most 8 characters of the key, for people (`3f9a2b***1e`). */
  displayId: string;
  tenantId: string;
  environmentId: string;
  userId: string | null;
  scopes: string[];
  /** `false` after deactivation: the key answers 403 `inactive_api_key`. */
  active: boolean;
  /** From then on the key answers 403 `expired_api_key`. */
  expiresAt: Date | null;
  /**
   * The id of the key that replaced this one in a rotation, or `null` (or absent, in a store
   * that only looks keys up) when it has not been rotated. Set, the key is in its grace period
   * and cannot be rotated again: a key has exactly one successor.
   */
  successorId?: string | null;
  lastUsedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A key record as handed to callers: everything but the hash. */
export type ApiKeyRecord = Omit<StoredApiKey, 'hash'>;

/** The tenant and environment every management operation is confined to. */
export interface KeyScope {
  tenantId: string;
  environmentId: string;
}

/** A change a store reports to its watchers: one key's hash, or everything at once. */
export type KeyChange = { hash: string } | { all: true };

/**
 * The read side of a key store: all the authenticator needs. Implement this to put keyward in
 * front of keys you keep elsewhere.
 */
export interface KeyStore {
  /** The key with this SHA-256, or `null`. Must be a lookup by an index, not a scan. */
  findByHash(hash: string): Promise<StoredApiKey | null>;
  /**
   * Subscribe to changes that make a cached verification wrong (revoke, deactivate, rotate).
   * Returns the unsubscribe function. Stores without it are cached only for the cache's TTL.
   */
  watch?(listener: (change: KeyChange) => void): () => void;
  /**
   * `false` while the store cannot promise that changes reach watchers (a lost LISTEN
   * connection, say): the verification cache is bypassed until it is `true` again.
   */
  readonly changesReliable?: boolean;
  /** Note a successful use. Stores batch these writes; the authenticator does not wait. */
  recordUsage?(id: string, at: Date): void;
}

/** What {@link ManagedKeyStore.create} needs. */
export interface CreateApiKeyRecordInput {
  tenantId: string;
  environmentId: string;
  userId?: string | null;
  name: string;
  scopes?: string[];
  expiresAt?: Date | null;
}

/** A newly made key: the plaintext `key`, this once, and its record. */
export interface CreatedApiKeyRecord {
  key: string;
  apiKey: ApiKeyRecord;
  /**
   * `true` when this is the result of an earlier call with the same idempotency key, handed
   * back instead of making another key; absent when this call made the key.
   */
  replayed?: true;
}

/**
 * Makes a create or rotate safe to retry. Within 24 hours, in one tenant and environment, a
 * second call with the same `idempotencyKey` and the same request gets the first call's
 * result back (`replayed: true`) and makes nothing; with a different request it is refused
 * with `ApiKeyError` `idempotency_key_reused` (422). Concurrent calls with one key make one
 * key between them.
 */
export interface IdempotentCallInput {
  /**
   * 32 to 255 printable ASCII characters without spaces, random per logical call (32 random
   * bytes, say) and reused for its retries. The store keeps only its SHA-256, and the stored
   * result (which holds the plaintext key) encrypted under a key derived from it.
   */
  idempotencyKey?: string;
}

/** Options for {@link ManagedKeyStore.create}. */
export type CreateApiKeyRecordOptions = IdempotentCallInput;

/** Paging for {@link ManagedKeyStore.list}. */
export interface ListApiKeyRecordsInput {
  /** 1 to 100; default 50. */
  limit?: number;
  /**
   * 0 or more; default 0. Pages by position: a key created or revoked between two pages
   * shifts the rest, so a walk through every key may repeat or skip one. Use `cursor` for that.
   */
  offset?: number;
  /**
   * The `nextCursor` of the previous page: the page starts right after the last key that page
   * showed, so a walk through every key repeats and skips none, whatever is created or revoked
   * meanwhile (keys created meanwhile come before the cursor and are not listed). Not with an
   * `offset` other than 0.
   */
  cursor?: string;
}

/** One page of keys, newest first. */
export interface ApiKeyRecordPage {
  items: ApiKeyRecord[];
  /** How many keys the scope holds in all. */
  total: number;
  /** How many keys come before this page in the listing as it is now. */
  offset: number;
  /** Where the next page starts (pass it as `cursor`), or `null` when this is the last page. */
  nextCursor: string | null;
}

/** The fields {@link ManagedKeyStore.update} may change. */
export interface UpdateApiKeyRecordInput {
  name?: string;
  active?: boolean;
}

/** Options for {@link ManagedKeyStore.rotate}. */
export interface RotateApiKeyRecordInput extends IdempotentCallInput {
  /** How long the old key keeps working; 0 (the default) revokes it at once. */
  gracePeriodSeconds?: number;
}

/**
 * A key store that also issues and manages keys. Every method is confined to one tenant and
 * environment: a key of another scope is reported exactly as a key that does not exist
 * (`null` or `false`), so that nothing outside the scope can even be confirmed to exist.
 */
export interface ManagedKeyStore extends KeyStore {
  /** With an `idempotencyKey`, at most once per key and request (see {@link IdempotentCallInput}). */
  create(input: CreateApiKeyRecordInput, options?: CreateApiKeyRecordOptions): Promise<CreatedApiKeyRecord>;
  get(scope: KeyScope, id: string): Promise<ApiKeyRecord | null>;
  /** Newest first, ties by id (descending); pages by `offset` or, stable under changes, by `cursor`. */
  list(scope: KeyScope, options?: ListApiKeyRecordsInput): Promise<ApiKeyRecordPage>;
  update(scope: KeyScope, id: string, input: UpdateApiKeyRecordInput): Promise<ApiKeyRecord | null>;
  /** Deletes the key: it stops working at once and is gone from every listing. */
  revoke(scope: KeyScope, id: string): Promise<boolean>;
  /**
   * Issues a new key with the old one's name, scopes, user and expiry; the old key expires
   * after the grace period (or is revoked at once with none). Only an active, unexpired key not
   * rotated before can be rotated, so a key has exactly one successor even when rotations race;
   * any other is refused (see `planRotation` in `@keyward/core/store`). With an `idempotencyKey`,
   * at most once per key and request, and a retry gets the successor back even after the old key
   * is gone or already rotated (the replay is answered before the rotation rules are checked).
   *
   * @throws ApiKeyError `conflict` (409) when the key is inactive, expired or already rotated.
   */
  rotate(scope: KeyScope, id: string, options?: RotateApiKeyRecordInput): Promise<CreatedApiKeyRecord | null>;
}

import { ApiKeyError } from '@keyward/core';
import {
  type ApiKeyRecord,
  type ApiKeyRecordPage,
  assertKnownOptions,
  type ChangeEmitter,
  type CreateApiKeyRecordInput,
  type CreateApiKeyRecordOptions,
  type CreatedApiKeyRecord,
  type CreatedSession,
  type CreateSessionInput,
  type CreateWebhookEndpointInput,
  createChangeEmitter,
  IDEMPOTENCY_WINDOW_MS,
  type IdempotentCall,
  type KeyChange,
  type KeyScope,
  type ListApiKeyRecordsInput,
  type ListWebhookDeliveriesInput,
  type ManagedKeyStore,
  type ManagedSessionStore,
  type ManagedWebhookStore,
  parseCreateApiKeyRecordInput,
  parseCreateApiKeyRecordOptions,
  parseKeyScope,
  parseListApiKeyRecordsInput,
  parseRotateApiKeyRecordInput,
  parseUpdateApiKeyRecordInput,
  parseWebhookDelivery,
  planIdempotentCreate,
  planIdempotentRotation,
  planRotation,
  planSecretRotation,
  prepareApiKey,
  prepareSession,
  prepareWebhookEndpoint,
  type RecordDeliveryResult,
  type RotateApiKeyRecordInput,
  replayIdempotentResult,
  SESSION_TTL,
  type StoredApiKey,
  type StoredSession,
  type StoredWebhookEndpoint,
  sealIdempotentResult,
  toApiKeyRecord,
  toApiKeyRecordPage,
  toSessionRecord,
  toWebhookEndpointRecord,
  type UpdateApiKeyRecordInput,
  type WebhookDelivery,
  type WebhookDeliveryPage,
  type WebhookEndpointRecord,
  type WebhookEndpointWithSecret,
} from '@keyward/core/store';
import pg from 'pg';
import { createPgDriver } from './drivers/pg-driver.js';
import { createPgliteDriver } from './drivers/pglite-driver.js';
import type { Queryable, SqlDriver } from './drivers/sql-driver.js';
import { type KeyRow, rowToStoredApiKey, storedApiKeyToParams } from './key-row.js';
import { runMigrations } from './migrations.js';
import { createNotifyListener, type ListenerClient, type NotifyListener } from './notify-listener.js';
import { rowToStoredSession, type SessionRow, storedSessionToParams } from './session-row.js';
import {
  CHANGES_CHANNEL,
  CLAIM_IDEMPOTENCY_KEY,
  DELETE_ENDPOINT,
  DELETE_IDEMPOTENCY_KEY,
  DELETE_KEY,
  DELETE_SESSION,
  ENDPOINT_EXISTS,
  FIND_BY_HASH,
  FIND_SESSION_BY_HASH,
  GET_ENDPOINT,
  GET_ENDPOINT_FOR_UPDATE,
  GET_IDEMPOTENCY_KEY,
  GET_IN_SCOPE,
  GET_IN_SCOPE_FOR_UPDATE,
  INSERT_ENDPOINT,
  INSERT_KEY,
  INSERT_SESSION,
  LIST_DELIVERIES,
  LIST_ENDPOINTS,
  LIST_PAGE,
  LISTEN_CHANGES,
  PRUNE_IDEMPOTENCY_KEYS,
  RECORD_DELIVERY,
  RECORD_USAGE,
  SET_ENDPOINT_SECRETS,
  SET_IDEMPOTENCY_RESULT,
  SET_SUCCESSOR,
  UPDATE_KEY,
} from './sql.js';
import { createUsageRecorder, type UsageRecorder } from './usage-recorder.js';
import {
  type DeliveryRow,
  type EndpointRow,
  rowToDelivery,
  rowToStoredEndpoint,
  secretsToJson,
  storedEndpointToParams,
} from './webhook-rows.js';

/** Options for {@link createPostgresKeyStore}. */
export interface PostgresKeyStoreOptions {
  /**
   * A PostgreSQL URL (`postgres://user:pass@host:5432/db`): the store uses a node-postgres pool
   * and LISTEN/NOTIFY. Absent: the embedded PGlite database in `dataDir`. An empty string is
   * refused rather than quietly falling back to the embedded database.
   */
  connectionString?: string;
  /** The embedded database's folder, created if missing. Default `./data`; `memory://` keeps it in memory. Ignored with `connectionString`. */
  dataDir?: string;
  /** Most connections the pool opens (node-postgres default 10), plus one for LISTEN. */
  poolSize?: number;
  /** How often recorded uses are written to `last_used_at`. Default 60,000 ms. */
  usageFlushIntervalMs?: number;
  /**
   * A PostgreSQL server only: how long to wait for a connection (a pooled one, a new one, the
   * LISTEN connection) before failing. Default 5,000 ms.
   */
  connectTimeoutMs?: number;
  /**
   * A PostgreSQL server only: how long any statement may go unanswered before it fails and its
   * connection is dropped. Default 10,000 ms.
   */
  queryTimeoutMs?: number;
  /**
   * How long `findByHash`, `findSessionByHash` and `findEndpoint` (what authentication waits
   * for) may take in all, connecting included, before they reject, so that an authenticator
   * answers 503 `auth_unavailable` instead of hanging. Default 500 ms with a PostgreSQL server;
   * with PGlite none unless set, since an embedded lookup has no network to wait for and cannot
   * be interrupted.
   */
  lookupTimeoutMs?: number;
  /**
   * A PostgreSQL server only: how often the LISTEN connection is asked a `SELECT 1`.
   * `changesReliable` is `false` once the last answer is to a question more than two intervals
   * old (a connection a firewall forgot says nothing), and such a connection is replaced.
   * Default 500 ms: a silent loss is noticed within a second.
   */
  heartbeatIntervalMs?: number;
  /** The clock for created, updated, expiry and rotation times, for tests. */
  now?: () => Date;
  /**
   * Background errors, each message starting `@keyward/store-postgres: ` and its `cause` the
   * original failure: a lost LISTEN connection, a failed usage flush, an idle pooled connection
   * dropping, a `watch` listener that threw. Default: one `console.warn` line with the message.
   * The store never sends a plaintext key to the database, so no database message holds one.
   */
  onError?: (err: Error) => void;
}

/**
 * The store of API keys, portal sessions and webhook endpoints on PostgreSQL or PGlite: a
 * {@link ManagedKeyStore}, a {@link ManagedSessionStore} and a {@link ManagedWebhookStore} in
 * one database, with one connection pool, one `watch` and one `close`. Hand the same object to
 * `createAuthenticator` and `createSessionAuthenticator`, and to a webhook receiver.
 */
export interface PostgresKeyStore extends ManagedKeyStore, ManagedSessionStore, ManagedWebhookStore {
  /**
   * Always present: revoked, changed and rotated keys and revoked sessions, each by its hash,
   * pushed to every instance (LISTEN/NOTIFY with a server).
   */
  watch(listener: (change: KeyChange) => void): () => void;
  /**
   * `false` while the LISTEN connection is lost or has not answered a heartbeat for two
   * `heartbeatIntervalMs`; always `true` with PGlite.
   */
  readonly changesReliable: boolean;
  /** Notes a use in memory; written in one batch per `usageFlushIntervalMs`. */
  recordUsage(id: string, at: Date): void;
  /** Flushes recorded usage, stops the listener, ends the pool or closes PGlite. Idempotent. */
  close(): Promise<void>;
}

const PACKAGE = '@keyward/store-postgres';
const CALLER = `${PACKAGE}: createPostgresKeyStore`;
const STORE_OPTIONS = [
  'connectionString',
  'dataDir',
  'poolSize',
  'usageFlushIntervalMs',
  'connectTimeoutMs',
  'queryTimeoutMs',
  'lookupTimeoutMs',
  'heartbeatIntervalMs',
  'now',
  'onError',
];
const HASH_PATTERN = /^[0-9a-f]{64}$/;
const MAX_TIMER_MS = 2 ** 31 - 1;
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
const DEFAULT_QUERY_TIMEOUT_MS = 10_000;
const DEFAULT_LOOKUP_TIMEOUT_MS = 500;
const DEFAULT_HEARTBEAT_INTERVAL_MS = 500;
const DURATIONS = [
  'usageFlushIntervalMs',
  'connectTimeoutMs',
  'queryTimeoutMs',
  'lookupTimeoutMs',
  'heartbeatIntervalMs',
] as const;

function defaultOnError(err: Error): void {
  console.warn(err.message);
}

/**
 * Background errors come from parts that do not know which package they run in (the listener,
 * the usage recorder, core's change emitter): named here, once, so a shared log says where each
 * came from. The cause stays the original failure (the driver's error, what a watcher threw).
 */
function reportingAsPackage(onError: (err: Error) => void): (err: Error) => void {
  return (err) => onError(new Error(`${PACKAGE}: ${err.message}`, { cause: err.cause ?? err }));
}

function validateOptions(options: unknown): PostgresKeyStoreOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${CALLER}: options must be an object`);
  }
  // A typo (`conectionString`) would otherwise open an embedded database in ./data, quietly.
  assertKnownOptions(options, STORE_OPTIONS, CALLER);
  const o = options as PostgresKeyStoreOptions;
  const fail = (name: string, what: string) => {
    throw new TypeError(`${CALLER}: options.${name} must be ${what}`);
  };
  if (o.connectionString !== undefined && (typeof o.connectionString !== 'string' || o.connectionString === '')) {
    fail('connectionString', 'a non-empty PostgreSQL URL (leave it out for the embedded database)');
  }
  if (o.dataDir !== undefined && (typeof o.dataDir !== 'string' || o.dataDir === '')) {
    fail('dataDir', 'a non-empty folder path or memory://');
  }
  if (o.poolSize !== undefined && (!Number.isInteger(o.poolSize) || o.poolSize < 1)) {
    fail('poolSize', 'an integer of at least 1');
  }
  for (const name of DURATIONS) {
    const ms = o[name];
    if (ms !== undefined && (!Number.isInteger(ms) || ms < 1 || ms > MAX_TIMER_MS)) {
      fail(name, `an integer from 1 to ${MAX_TIMER_MS}`);
    }
  }
  if (o.now !== undefined && typeof o.now !== 'function') fail('now', 'a function returning a Date');
  if (o.onError !== undefined && typeof o.onError !== 'function') fail('onError', 'a function');
  return o;
}

/**
 * Opens the store of keys, portal sessions and webhook endpoints on PostgreSQL: the embedded
 * PGlite database by default, a PostgreSQL server when `connectionString` is given. Applies the
 * schema migrations before it resolves (safe with several instances starting at once). Call
 * `close()` when done. (Named for what it stored first; one store serves all three.)
 *
 * @throws TypeError for a bad option; the driver's error when the database cannot be opened or migrated.
 * @example
 * const store = await createPostgresKeyStore({ dataDir: './data' });
 * const { key } = await store.create({ tenantId: 't1', environmentId: 'prod', name: 'ci' });
 * await store.close();
 */
export async function createPostgresKeyStore(options?: PostgresKeyStoreOptions): Promise<PostgresKeyStore> {
  const o = validateOptions(options);
  const onError = reportingAsPackage(o.onError ?? defaultOnError);
  const now = o.now ?? (() => new Date());
  // One faulty watcher must not keep the others from evicting: core's emitter calls them all.
  const changes = createChangeEmitter({ onError });
  const emit = changes.emit;

  let driver: SqlDriver;
  let listener: NotifyListener | null = null;
  let lookupTimeoutMs = o.lookupTimeoutMs ?? null;
  if (o.connectionString === undefined) {
    driver = await createPgliteDriver(o.dataDir ?? './data');
  } else {
    const connectionString = o.connectionString;
    const connectTimeoutMs = o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    lookupTimeoutMs ??= DEFAULT_LOOKUP_TIMEOUT_MS;
    driver = createPgDriver({
      connectionString,
      poolSize: o.poolSize,
      connectTimeoutMs,
      queryTimeoutMs: o.queryTimeoutMs ?? DEFAULT_QUERY_TIMEOUT_MS,
      onError,
    });
    listener = createNotifyListener({
      createClient: () =>
        listenerClient(
          new pg.Client({
            connectionString,
            application_name: 'keyward-listener',
            keepAlive: true,
            connectionTimeoutMillis: connectTimeoutMs,
          }),
        ),
      heartbeatIntervalMs: o.heartbeatIntervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS,
      listen: LISTEN_CHANGES,
      channel: CHANGES_CHANNEL,
      onNotification: (payload) => {
        if (HASH_PATTERN.test(payload)) emit({ hash: payload });
      },
      // Changes made while nobody listened were missed: every cached answer is suspect.
      onReconnect: () => emit({ all: true }),
      onError,
    });
  }

  try {
    await runMigrations(driver);
    await listener?.start();
  } catch (err) {
    await listener?.close();
    await driver.close().catch(() => {});
    throw err;
  }

  const usage: UsageRecorder = createUsageRecorder({
    intervalMs: o.usageFlushIntervalMs ?? 60_000,
    onError,
    write: async (ids, times) => {
      await driver.query(RECORD_USAGE, [ids, times]);
    },
  });

  return new SqlKeyStore(driver, listener, usage, now, changes, lookupTimeoutMs);
}

/** A node-postgres client as the listener uses it, with a way to drop a connection that went silent. */
function listenerClient(client: pg.Client): ListenerClient {
  return Object.assign(client, {
    destroy: () => {
      // The socket, without the goodbye that `end()` waits for and a forgotten connection
      // never answers. node-postgres has no public call for it.
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    },
  }) as ListenerClient;
}

/**
 * `lookup` within `ms`, or a rejection naming `what` and the limit. The lookup is not waited
 * for after that (its own query timeout frees its connection); its late failure is swallowed.
 */
async function within<T>(ms: number | null, what: string, lookup: Promise<T>): Promise<T> {
  if (ms === null) return lookup;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${PACKAGE}: ${what}: no answer from the database within ${ms} ms`)), ms);
  });
  lookup.catch(() => {});
  try {
    return await Promise.race([lookup, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `run` in transaction `tx` once per idempotency key and request: the first call claims the
 * key, runs and stores its result sealed; a retry (or a concurrent call, once the first commits)
 * gets that result back. A call that made nothing frees the key again.
 */
async function once(
  tx: Queryable,
  call: IdempotentCall,
  now: Date,
  run: () => Promise<CreatedApiKeyRecord | null>,
): Promise<CreatedApiKeyRecord | null> {
  const slot = [call.scope.tenantId, call.scope.environmentId, call.keyHash];
  const cutoff = new Date(now.getTime() - IDEMPOTENCY_WINDOW_MS);
  await tx.query(PRUNE_IDEMPOTENCY_KEYS, [cutoff]);
  const claimed = await tx.query(CLAIM_IDEMPOTENCY_KEY, [...slot, call.fingerprint, now, cutoff]);
  if (claimed.rows.length === 0) {
    const { rows } = await tx.query<{ fingerprint: string; result: string | null }>(GET_IDEMPOTENCY_KEY, slot);
    const row = rows[0];
    // Not seen after the claim waited for the other transaction: only if it is still running.
    if (row === undefined || row.result === null) {
      throw new ApiKeyError('conflict', { message: 'A request with this Idempotency-Key is in progress: retry it' });
    }
    return replayIdempotentResult(call, { fingerprint: row.fingerprint, sealed: row.result });
  }
  const result = await run();
  if (result === null) {
    await tx.query(DELETE_IDEMPOTENCY_KEY, slot);
    return null;
  }
  await tx.query(SET_IDEMPOTENCY_RESULT, [...slot, sealIdempotentResult(call, result)]);
  return result;
}

class SqlKeyStore implements PostgresKeyStore {
  readonly #driver: SqlDriver;
  readonly #listener: NotifyListener | null;
  readonly #usage: UsageRecorder;
  readonly #now: () => Date;
  readonly #changes: ChangeEmitter;
  readonly #lookupTimeoutMs: number | null;
  #closing: Promise<void> | null = null;

  constructor(
    driver: SqlDriver,
    listener: NotifyListener | null,
    usage: UsageRecorder,
    now: () => Date,
    changes: ChangeEmitter,
    lookupTimeoutMs: number | null,
  ) {
    this.#driver = driver;
    this.#listener = listener;
    this.#usage = usage;
    this.#now = now;
    this.#changes = changes;
    this.#lookupTimeoutMs = lookupTimeoutMs;
  }

  /**
   * A lookup authentication waits for: bounded in all by `lookupTimeoutMs`. Its statement gets
   * twice that, so that the bound in all always answers first, with its own message, and a
   * statement that never gets an answer still frees its connection soon after.
   */
  #lookUp<R>(what: string, text: string, params: unknown[]): Promise<{ rows: R[] }> {
    const ms = this.#lookupTimeoutMs;
    return within(
      ms,
      what,
      this.#driver.query<R>(text, params, ms === null ? undefined : { timeoutMs: Math.min(2 * ms, MAX_TIMER_MS) }),
    );
  }

  get changesReliable(): boolean {
    if (this.#closing) return false;
    return this.#listener === null || this.#listener.listening;
  }

  watch(listener: (change: KeyChange) => void): () => void {
    return this.#changes.watch(listener);
  }

  recordUsage(id: string, at: Date): void {
    this.#usage.record(id, at);
  }

  async findByHash(hash: string): Promise<StoredApiKey | null> {
    this.#assertOpen();
    // The format is checked here too, so no caller can make the store look up garbage.
    if (typeof hash !== 'string' || !HASH_PATTERN.test(hash)) return null;
    const { rows } = await this.#lookUp<KeyRow>('findByHash', FIND_BY_HASH, [hash]);
    return rows[0] ? rowToStoredApiKey(rows[0]) : null;
  }

  async create(input: CreateApiKeyRecordInput, options?: CreateApiKeyRecordOptions): Promise<CreatedApiKeyRecord> {
    this.#assertOpen();
    const { idempotencyKey } = parseCreateApiKeyRecordOptions(options);
    const now = this.#now();
    const insert = async (db: Queryable): Promise<CreatedApiKeyRecord> => {
      const { key, record } = prepareApiKey(input, now);
      await db.query(INSERT_KEY, storedApiKeyToParams(record));
      return { key, apiKey: toApiKeyRecord(record) };
    };
    if (idempotencyKey === undefined) return insert(this.#driver);
    const call = planIdempotentCreate(parseCreateApiKeyRecordInput(input), idempotencyKey);
    return this.#driver.transaction(async (tx) => {
      const result = await once(tx, call, now, () => insert(tx));
      return result as CreatedApiKeyRecord;
    });
  }

  async get(scope: KeyScope, id: string): Promise<ApiKeyRecord | null> {
    this.#assertOpen();
    const { tenantId, environmentId } = parseKeyScope(scope);
    if (typeof id !== 'string') return null;
    const { rows } = await this.#driver.query<KeyRow>(GET_IN_SCOPE, [id, tenantId, environmentId]);
    return rows[0] ? toApiKeyRecord(rowToStoredApiKey(rows[0])) : null;
  }

  async list(scope: KeyScope, options?: ListApiKeyRecordsInput): Promise<ApiKeyRecordPage> {
    this.#assertOpen();
    const { tenantId, environmentId } = parseKeyScope(scope);
    const paging = parseListApiKeyRecordsInput(options);
    const { limit, offset, after } = paging;
    // One more than the page, to know whether another follows.
    const { rows } = await this.#driver.query<KeyRow & { total: number; before: number }>(LIST_PAGE, [
      tenantId,
      environmentId,
      limit + 1,
      offset,
      after?.createdAt ?? null,
      after?.id ?? null,
    ]);
    const stored = rows.filter((r) => r.id !== null).map(rowToStoredApiKey);
    const total = Number(rows[0]?.total ?? 0);
    const before = after === undefined ? offset : Number(rows[0]?.before ?? 0);
    return toApiKeyRecordPage(stored, paging, { total, before });
  }

  async update(scope: KeyScope, id: string, input: UpdateApiKeyRecordInput): Promise<ApiKeyRecord | null> {
    this.#assertOpen();
    const changes = parseUpdateApiKeyRecordInput(input);
    const { tenantId, environmentId } = parseKeyScope(scope);
    if (typeof id !== 'string') return null;
    const { rows } = await this.#driver.query<KeyRow>(UPDATE_KEY, [
      id,
      tenantId,
      environmentId,
      changes.name ?? null,
      changes.active ?? null,
      this.#now(),
    ]);
    const row = rows[0];
    if (!row) return null;
    // Evict here at once; other instances hear it through NOTIFY.
    this.#changes.emit({ hash: row.hash });
    return toApiKeyRecord(rowToStoredApiKey(row));
  }

  async revoke(scope: KeyScope, id: string): Promise<boolean> {
    this.#assertOpen();
    const { tenantId, environmentId } = parseKeyScope(scope);
    if (typeof id !== 'string') return false;
    const { rows } = await this.#driver.query<{ hash: string }>(DELETE_KEY, [id, tenantId, environmentId]);
    const row = rows[0];
    if (!row) return false;
    this.#changes.emit({ hash: row.hash });
    return true;
  }

  async rotate(scope: KeyScope, id: string, options?: RotateApiKeyRecordInput): Promise<CreatedApiKeyRecord | null> {
    this.#assertOpen();
    const { gracePeriodSeconds, idempotencyKey } = parseRotateApiKeyRecordInput(options);
    const parsedScope = parseKeyScope(scope);
    const { tenantId, environmentId } = parsedScope;
    if (typeof id !== 'string') return null;
    const now = this.#now();
    let oldHash: string | undefined;
    const rotate = async (tx: Queryable): Promise<CreatedApiKeyRecord | null> => {
      // Locked until the transaction ends: rotations of one key, from any instance, run one
      // after another, and each after the first finds the successor (or the key gone).
      const { rows } = await tx.query<KeyRow>(GET_IN_SCOPE_FOR_UPDATE, [id, tenantId, environmentId]);
      if (!rows[0]) return null;
      const old = rowToStoredApiKey(rows[0]);
      // Throws 409 conflict for an inactive, expired or already rotated key: nothing is written.
      const plan = planRotation(old, gracePeriodSeconds, now);
      const created = prepareApiKey(plan.successor, now);
      if (plan.oldKeyExpiresAt === null) {
        await tx.query(DELETE_KEY, [old.id, tenantId, environmentId]);
      } else {
        const marked = await tx.query(SET_SUCCESSOR, [old.id, plan.oldKeyExpiresAt, now, created.record.id]);
        // Under the lock this cannot happen; if it ever did, the rollback leaves no second successor.
        if (marked.rows.length !== 1) {
          throw new ApiKeyError('conflict', { message: 'API key cannot be rotated: another rotation of it won' });
        }
      }
      await tx.query(INSERT_KEY, storedApiKeyToParams(created.record));
      oldHash = old.hash;
      return { key: created.key, apiKey: toApiKeyRecord(created.record) };
    };
    const result = await this.#driver.transaction((tx) => {
      if (idempotencyKey === undefined) return rotate(tx);
      // The replay is answered before `rotate` runs: a retry of a rotation with a grace period
      // gets its successor back, not the 409 the now-rotated key would get.
      const call = planIdempotentRotation(parsedScope, id, gracePeriodSeconds, idempotencyKey);
      return once(tx, call, now, () => rotate(tx));
    });
    // A replay changed nothing, so there is nothing to evict.
    if (oldHash !== undefined) this.#changes.emit({ hash: oldHash });
    return result;
  }

  async findSessionByHash(hash: string): Promise<StoredSession | null> {
    this.#assertOpen();
    if (typeof hash !== 'string' || !HASH_PATTERN.test(hash)) return null;
    const { rows } = await this.#lookUp<SessionRow>('findSessionByHash', FIND_SESSION_BY_HASH, [hash]);
    return rows[0] ? rowToStoredSession(rows[0]) : null;
  }

  async createSession(input: CreateSessionInput): Promise<CreatedSession> {
    this.#assertOpen();
    const now = this.#now();
    const { token, stored } = prepareSession(input, now);
    // Kept a day past their expiry (they answer expired_session_token meanwhile), as core's
    // MemorySessionStore keeps them; then dropped by the creates that follow.
    const cutoff = new Date(now.getTime() - SESSION_TTL.maxSeconds * 1000);
    await this.#driver.query(INSERT_SESSION, [...storedSessionToParams(stored), cutoff]);
    return { token, session: toSessionRecord(stored) };
  }

  async revokeSession(scope: KeyScope, id: string): Promise<boolean> {
    this.#assertOpen();
    const { tenantId, environmentId } = parseKeyScope(scope);
    if (typeof id !== 'string') return false;
    const { rows } = await this.#driver.query<{ hash: string }>(DELETE_SESSION, [id, tenantId, environmentId]);
    const row = rows[0];
    if (!row) return false;
    // Evict here at once; other instances hear it through NOTIFY.
    this.#changes.emit({ hash: row.hash });
    return true;
  }

  async createEndpoint(input: CreateWebhookEndpointInput): Promise<WebhookEndpointWithSecret> {
    this.#assertOpen();
    const { secret, stored } = prepareWebhookEndpoint(input, this.#now());
    await this.#driver.query(INSERT_ENDPOINT, storedEndpointToParams(stored));
    return { secret, endpoint: toWebhookEndpointRecord(stored) };
  }

  async listEndpoints(scope: KeyScope): Promise<WebhookEndpointRecord[]> {
    this.#assertOpen();
    const { tenantId, environmentId } = parseKeyScope(scope);
    const { rows } = await this.#driver.query<EndpointRow>(LIST_ENDPOINTS, [tenantId, environmentId]);
    return rows.map((row) => toWebhookEndpointRecord(rowToStoredEndpoint(row)));
  }

  async findEndpoint(scope: KeyScope, id: string, now: Date): Promise<StoredWebhookEndpoint | null> {
    this.#assertOpen();
    const { tenantId, environmentId } = parseKeyScope(scope);
    if (typeof id !== 'string') return null;
    const { rows } = await this.#lookUp<EndpointRow>('findEndpoint', GET_ENDPOINT, [id, tenantId, environmentId]);
    if (!rows[0]) return null;
    const stored = rowToStoredEndpoint(rows[0]);
    // At the receiver's time, not this store's clock: the secrets that verify a delivery now.
    stored.secrets = stored.secrets.filter((s) => s.expiresAt === null || s.expiresAt.getTime() > now.getTime());
    return stored;
  }

  async deleteEndpoint(scope: KeyScope, id: string): Promise<boolean> {
    this.#assertOpen();
    const { tenantId, environmentId } = parseKeyScope(scope);
    if (typeof id !== 'string') return false;
    const { rowCount } = await this.#driver.query(DELETE_ENDPOINT, [id, tenantId, environmentId]);
    return rowCount > 0;
  }

  async rotateEndpointSecret(
    scope: KeyScope,
    id: string,
    input?: { gracePeriodSeconds?: number },
  ): Promise<WebhookEndpointWithSecret | null> {
    this.#assertOpen();
    const { tenantId, environmentId } = parseKeyScope(scope);
    if (typeof id !== 'string') return null;
    const now = this.#now();
    return this.#driver.transaction(async (tx) => {
      // Locked, so that of two rotations at once the second keeps the first one's new secret
      // through the grace period instead of both replacing the same old one.
      const { rows } = await tx.query<EndpointRow>(GET_ENDPOINT_FOR_UPDATE, [id, tenantId, environmentId]);
      if (!rows[0]) return null;
      const stored = rowToStoredEndpoint(rows[0]);
      const { secret, secrets } = planSecretRotation(stored, input, now);
      await tx.query(SET_ENDPOINT_SECRETS, [stored.id, secretsToJson(secrets)]);
      return { secret, endpoint: toWebhookEndpointRecord(stored) };
    });
  }

  async recordDelivery(scope: KeyScope, delivery: WebhookDelivery): Promise<RecordDeliveryResult> {
    this.#assertOpen();
    const { tenantId, environmentId } = parseKeyScope(scope);
    const d = parseWebhookDelivery(delivery);
    const { rows } = await this.#driver.query<{ found: number; recorded: number }>(RECORD_DELIVERY, [
      d.endpointId,
      tenantId,
      environmentId,
      d.webhookId,
      d.eventType,
      d.receivedAt,
      d.size,
    ]);
    if (Number(rows[0]?.found) === 0) throw new Error(`${PACKAGE}: recordDelivery: no such endpoint`);
    return Number(rows[0]?.recorded) === 1 ? 'recorded' : 'replayed';
  }

  async listDeliveries(
    scope: KeyScope,
    endpointId: string,
    input?: ListWebhookDeliveriesInput,
  ): Promise<WebhookDeliveryPage | null> {
    this.#assertOpen();
    const { tenantId, environmentId } = parseKeyScope(scope);
    if (typeof endpointId !== 'string') return null;
    let paging: Required<ListWebhookDeliveriesInput>;
    try {
      paging = parseListApiKeyRecordsInput(input ?? {});
    } catch (err) {
      // Bad paging for an endpoint that is not there answers null, as for core's memory store:
      // the lookup comes first there, so it does here.
      const { rows } = await this.#driver.query(ENDPOINT_EXISTS, [endpointId, tenantId, environmentId]);
      if (rows.length === 0) return null;
      throw err;
    }
    const { rows } = await this.#driver.query<DeliveryRow & { total: number }>(LIST_DELIVERIES, [
      endpointId,
      tenantId,
      environmentId,
      paging.limit,
      paging.offset,
    ]);
    if (rows.length === 0) return null;
    const items = rows.filter((r) => r.webhook_id !== null).map(rowToDelivery);
    return { items, total: Number(rows[0]?.total ?? 0) };
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#usage.close();
      await this.#listener?.close();
      await this.#driver.close();
      this.#changes.clear();
    })();
    return this.#closing;
  }

  #assertOpen(): void {
    if (this.#closing) throw new Error(`${PACKAGE}: the store is closed`);
  }
}

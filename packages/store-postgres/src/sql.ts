// Every statement the store runs, in one place, for both drivers. Parameters only: no value
// is ever spliced into SQL text. Writes that must reach other instances call pg_notify in the
// same statement, so the notification is sent exactly when (and only if) the write commits.

/**
 * The LISTEN/NOTIFY channel that carries the hash of every revoked, changed or rotated key and
 * of every revoked session: both are SHA-256 hex of a different secret, so one channel and one
 * watch list serve both, and a hash evicts only what it names.
 */
export const CHANGES_CHANNEL = 'keyward_key_changes';

/** The table of keys. */
const KEYS_TABLE = 'keyward_api_keys';

const COLUMNS =
  'id, hash, name, type, display_id, tenant_id, environment_id, user_id, scopes, active, expires_at, successor_id, last_used_at, created_at, updated_at';

/** A key by its hash, through the unique index on `hash`. $1 hash. */
export const FIND_BY_HASH = `SELECT ${COLUMNS} FROM ${KEYS_TABLE} WHERE hash = $1`;

/** $1 id, $2 tenant, $3 environment. */
export const GET_IN_SCOPE = `SELECT ${COLUMNS} FROM ${KEYS_TABLE} WHERE id = $1 AND tenant_id = $2 AND environment_id = $3`;

/** As {@link GET_IN_SCOPE}, locking the row for a rotation. */
export const GET_IN_SCOPE_FOR_UPDATE = `${GET_IN_SCOPE} FOR UPDATE`;

/** $1…$15 in the order of the columns. */
export const INSERT_KEY = `INSERT INTO ${KEYS_TABLE} (${COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11, $12, $13, $14, $15)`;

/**
 * One page, the total and the count of keys before the page in one statement (one snapshot).
 * Newest first; ties broken by id in byte order (COLLATE "C"), as the memory store does,
 * whatever the database's collation. With a cursor ($5, $6 not null) the page starts right
 * after that (created_at, id): a keyset, so keys created or revoked meanwhile shift nothing.
 * With an offset past the end the one row has the counts and null key columns.
 * $1 tenant, $2 environment, $3 limit, $4 offset, $5 cursor created_at or null, $6 cursor id or null.
 */
export const LIST_PAGE = `SELECT counted.total, counted.before, page.*
  FROM (
    SELECT count(*)::int AS total,
      count(*) FILTER (
        WHERE created_at > $5::timestamptz OR (created_at = $5::timestamptz AND id COLLATE "C" >= $6::text)
      )::int AS before
    FROM ${KEYS_TABLE} WHERE tenant_id = $1 AND environment_id = $2
  ) AS counted
  LEFT JOIN LATERAL (
    SELECT ${COLUMNS} FROM ${KEYS_TABLE} WHERE tenant_id = $1 AND environment_id = $2
      AND ($5::timestamptz IS NULL
        OR created_at < $5::timestamptz
        OR (created_at = $5::timestamptz AND id COLLATE "C" < $6::text))
    ORDER BY created_at DESC, id COLLATE "C" DESC
    LIMIT $3 OFFSET $4
  ) AS page ON true`;

/** The table of idempotency keys: per scope and SHA-256 of the key, the request and the sealed result. */
const IDEMPOTENCY_TABLE = 'keyward_idempotency_keys';

/**
 * Drops up to 1,000 records older than the window ($1 the cutoff): the table is pruned by the
 * writes that grow it, as sessions are. SKIP LOCKED: instances pruning at once take different rows.
 */
export const PRUNE_IDEMPOTENCY_KEYS = `DELETE FROM ${IDEMPOTENCY_TABLE} WHERE ctid IN (
    SELECT ctid FROM ${IDEMPOTENCY_TABLE} WHERE created_at <= $1 LIMIT 1000 FOR UPDATE SKIP LOCKED
  )`;

/**
 * Claims an idempotency key for this transaction: a row comes back when this call is the one
 * that runs. The primary key decides: a concurrent claim of the same key waits for this
 * transaction to end, then finds the committed record (no row back) and replays it, or claims
 * it afresh if this one rolled back. A record older than the window ($6 the cutoff) is taken
 * over. $1 tenant, $2 environment, $3 key hash, $4 fingerprint, $5 now, $6 cutoff.
 */
export const CLAIM_IDEMPOTENCY_KEY = `INSERT INTO ${IDEMPOTENCY_TABLE} AS held
    (tenant_id, environment_id, key_hash, fingerprint, result, created_at)
  VALUES ($1, $2, $3, $4, NULL, $5)
  ON CONFLICT (tenant_id, environment_id, key_hash) DO UPDATE
    SET fingerprint = EXCLUDED.fingerprint, result = NULL, created_at = EXCLUDED.created_at
    WHERE held.created_at <= $6
  RETURNING 1 AS claimed`;

/** The record of an idempotency key. $1 tenant, $2 environment, $3 key hash. */
export const GET_IDEMPOTENCY_KEY = `SELECT fingerprint, result FROM ${IDEMPOTENCY_TABLE}
  WHERE tenant_id = $1 AND environment_id = $2 AND key_hash = $3`;

/** Stores the sealed result of a claimed key. $1 tenant, $2 environment, $3 key hash, $4 sealed result. */
export const SET_IDEMPOTENCY_RESULT = `UPDATE ${IDEMPOTENCY_TABLE} SET result = $4
  WHERE tenant_id = $1 AND environment_id = $2 AND key_hash = $3`;

/** Frees a claimed key whose call made nothing (a rotation of a missing key). Same parameters as {@link GET_IDEMPOTENCY_KEY}. */
export const DELETE_IDEMPOTENCY_KEY = `DELETE FROM ${IDEMPOTENCY_TABLE}
  WHERE tenant_id = $1 AND environment_id = $2 AND key_hash = $3`;

/** $1 id, $2 tenant, $3 environment, $4 name or null to keep, $5 active or null to keep, $6 now. */
export const UPDATE_KEY = `WITH changed AS (
    UPDATE ${KEYS_TABLE}
    SET name = COALESCE($4::text, name), active = COALESCE($5::boolean, active), updated_at = $6
    WHERE id = $1 AND tenant_id = $2 AND environment_id = $3
    RETURNING ${COLUMNS}
  )
  SELECT changed.*, pg_notify('${CHANGES_CHANNEL}', changed.hash)::text AS notified FROM changed`;

/** $1 id, $2 tenant, $3 environment. */
export const DELETE_KEY = `WITH deleted AS (
    DELETE FROM ${KEYS_TABLE} WHERE id = $1 AND tenant_id = $2 AND environment_id = $3 RETURNING hash
  )
  SELECT deleted.hash, pg_notify('${CHANGES_CHANNEL}', deleted.hash)::text AS notified FROM deleted`;

/**
 * A rotation with a grace period: the old key gets its successor and the end of its grace.
 * Only a key without a successor is changed (no row back: another rotation won), so a key can
 * never get two successors, even if this statement ran outside the row lock rotate takes.
 * $1 id, $2 expires_at, $3 now, $4 the successor's id.
 */
export const SET_SUCCESSOR = `WITH changed AS (
    UPDATE ${KEYS_TABLE} SET expires_at = $2, updated_at = $3, successor_id = $4
    WHERE id = $1 AND successor_id IS NULL
    RETURNING hash
  )
  SELECT changed.hash, pg_notify('${CHANGES_CHANNEL}', changed.hash)::text AS notified FROM changed`;

/**
 * Batched usage: one statement for every key used since the last flush. Never moves
 * last_used_at backwards (two instances may flush out of order). $1 ids, $2 times.
 */
export const RECORD_USAGE = `UPDATE ${KEYS_TABLE} AS k SET last_used_at = u.at
  FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at)
  WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`;

/** The table of portal sessions. */
const SESSIONS_TABLE = 'keyward_sessions';

const SESSION_COLUMNS = 'id, hash, tenant_id, environment_id, customer_id, expires_at, created_at';

/** A session by its token's hash, through the unique index on `hash`. $1 hash. */
export const FIND_SESSION_BY_HASH = `SELECT ${SESSION_COLUMNS} FROM ${SESSIONS_TABLE} WHERE hash = $1`;

/**
 * A new session, after dropping up to 1,000 sessions that expired before $8 (a day ago): the
 * table is pruned by the writes that grow it, so it never grows without bound and no timer is
 * needed. SKIP LOCKED lets instances creating sessions at once prune different rows instead of
 * waiting on each other. $1…$7 in the order of the columns, $8 the cutoff.
 */
export const INSERT_SESSION = `WITH pruned AS (
    DELETE FROM ${SESSIONS_TABLE} WHERE id IN (
      SELECT id FROM ${SESSIONS_TABLE} WHERE expires_at < $8 LIMIT 1000 FOR UPDATE SKIP LOCKED
    )
  )
  INSERT INTO ${SESSIONS_TABLE} (${SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7)`;

/** Ends a session and tells every instance, as {@link DELETE_KEY}. $1 id, $2 tenant, $3 environment. */
export const DELETE_SESSION = `WITH deleted AS (
    DELETE FROM ${SESSIONS_TABLE} WHERE id = $1 AND tenant_id = $2 AND environment_id = $3 RETURNING hash
  )
  SELECT deleted.hash, pg_notify('${CHANGES_CHANNEL}', deleted.hash)::text AS notified FROM deleted`;

/** The table of webhook endpoints, with the secrets their deliveries are verified with. */
const ENDPOINTS_TABLE = 'keyward_webhook_endpoints';

/** The table of deliveries, one row per endpoint and webhook-id. */
const DELIVERIES_TABLE = 'keyward_webhook_deliveries';

const ENDPOINT_COLUMNS = 'id, tenant_id, environment_id, name, tolerance_seconds, secrets, created_at';

/** $1…$7 in the order of the columns; $6 the secrets as JSON text. */
export const INSERT_ENDPOINT = `INSERT INTO ${ENDPOINTS_TABLE} (${ENDPOINT_COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`;

/** Newest first, ties broken by id in byte order, as keys are. $1 tenant, $2 environment. */
export const LIST_ENDPOINTS = `SELECT ${ENDPOINT_COLUMNS} FROM ${ENDPOINTS_TABLE}
  WHERE tenant_id = $1 AND environment_id = $2
  ORDER BY created_at DESC, id COLLATE "C" DESC`;

/** $1 id, $2 tenant, $3 environment. */
export const GET_ENDPOINT = `SELECT ${ENDPOINT_COLUMNS} FROM ${ENDPOINTS_TABLE}
  WHERE id = $1 AND tenant_id = $2 AND environment_id = $3`;

/** As {@link GET_ENDPOINT}, locking the row: two rotations at once must not both keep the old secret. */
export const GET_ENDPOINT_FOR_UPDATE = `${GET_ENDPOINT} FOR UPDATE`;

/** $1 id, $2 the secrets as JSON text. */
export const SET_ENDPOINT_SECRETS = `UPDATE ${ENDPOINTS_TABLE} SET secrets = $2::jsonb WHERE id = $1`;

/** Deletes an endpoint; its deliveries go with it (ON DELETE CASCADE). $1 id, $2 tenant, $3 environment. */
export const DELETE_ENDPOINT = `DELETE FROM ${ENDPOINTS_TABLE} WHERE id = $1 AND tenant_id = $2 AND environment_id = $3`;

/**
 * Records a delivery of an endpoint in the scope, unless its webhook-id is already recorded
 * there. The unique (endpoint_id, webhook_id) decides, so of two instances recording one id at
 * once exactly one inserts: the other waits for it to commit, then does nothing. `found` says
 * whether the endpoint exists in the scope, `recorded` whether this call inserted.
 * $1 endpoint id, $2 tenant, $3 environment, $4 webhook-id, $5 event type, $6 received at, $7 size.
 */
export const RECORD_DELIVERY = `WITH endpoint AS (
    SELECT id FROM ${ENDPOINTS_TABLE} WHERE id = $1 AND tenant_id = $2 AND environment_id = $3
  ), inserted AS (
    INSERT INTO ${DELIVERIES_TABLE} (endpoint_id, webhook_id, event_type, received_at, size)
    SELECT endpoint.id, $4::text, $5::text, $6::timestamptz, $7::bigint FROM endpoint
    ON CONFLICT (endpoint_id, webhook_id) DO NOTHING
    RETURNING 1
  )
  SELECT (SELECT count(*) FROM endpoint)::int AS found, (SELECT count(*) FROM inserted)::int AS recorded`;

/**
 * One page of an endpoint's deliveries and the total in one statement (one snapshot), newest
 * first by received_at, ties by the order recorded. No row at all: the endpoint is not in the
 * scope. With an offset past the end, one row with the total and null delivery columns.
 * $1 endpoint id, $2 tenant, $3 environment, $4 limit, $5 offset.
 */
export const LIST_DELIVERIES = `SELECT counted.total, page.*
  FROM (SELECT id FROM ${ENDPOINTS_TABLE} WHERE id = $1 AND tenant_id = $2 AND environment_id = $3) AS endpoint
  CROSS JOIN LATERAL (
    SELECT count(*)::int AS total FROM ${DELIVERIES_TABLE} WHERE endpoint_id = endpoint.id
  ) AS counted
  LEFT JOIN LATERAL (
    SELECT webhook_id, endpoint_id, event_type, received_at, size FROM ${DELIVERIES_TABLE}
    WHERE endpoint_id = endpoint.id
    ORDER BY received_at DESC, seq DESC
    LIMIT $4 OFFSET $5
  ) AS page ON true`;

/** Whether an endpoint exists in the scope. $1 id, $2 tenant, $3 environment. */
export const ENDPOINT_EXISTS = `SELECT 1 AS found FROM ${ENDPOINTS_TABLE}
  WHERE id = $1 AND tenant_id = $2 AND environment_id = $3`;

/** Subscribes the listener's connection to {@link CHANGES_CHANNEL}. */
export const LISTEN_CHANGES = `LISTEN ${CHANGES_CHANNEL}`;

// A fixed advisory lock id: 'keyw' in ASCII, then 1 for "migrations". Any instance of any
// version takes the same lock, so migrations never run twice at once.
/** Serialises migrations across instances until the transaction ends. */
export const LOCK_MIGRATIONS = 'SELECT pg_advisory_xact_lock(1801812343, 1)';

/** Created under the lock, so concurrent first starts do not race on the catalog. */
export const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS keyward_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

/** The versions already applied. */
export const SELECT_MIGRATIONS = 'SELECT version FROM keyward_migrations ORDER BY version';

/** $1 version, $2 name. */
export const INSERT_MIGRATION = 'INSERT INTO keyward_migrations (version, name) VALUES ($1, $2)';

/** Version 1: the keys table and its indexes. */
export const MIGRATION_1 = [
  `CREATE TABLE ${KEYS_TABLE} (
    id text PRIMARY KEY,
    hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    name text NOT NULL,
    type text NOT NULL DEFAULT 'private_key',
    display_id text NOT NULL,
    tenant_id text NOT NULL,
    environment_id text NOT NULL,
    user_id text,
    scopes text[] NOT NULL DEFAULT '{}',
    active boolean NOT NULL DEFAULT true,
    expires_at timestamptz,
    last_used_at timestamptz,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
  )`,
  // Authentication looks keys up by hash: a unique index, never a scan.
  `CREATE UNIQUE INDEX ${KEYS_TABLE}_hash_key ON ${KEYS_TABLE} (hash)`,
  // Listing is per tenant and environment, newest first.
  `CREATE INDEX ${KEYS_TABLE}_scope_created_idx
    ON ${KEYS_TABLE} (tenant_id, environment_id, created_at DESC, id COLLATE "C" DESC)`,
];

/**
 * Version 4: the successor of a rotated key. Set in the rotation's transaction; a key that has
 * one cannot be rotated again, so a key has exactly one successor. Keys rotated before this
 * version have none recorded: their grace periods end as they were set.
 */
export const MIGRATION_4 = [`ALTER TABLE ${KEYS_TABLE} ADD COLUMN successor_id text`];

/** Version 2: portal sessions, stored by the SHA-256 of their token. */
export const MIGRATION_2 = [
  `CREATE TABLE ${SESSIONS_TABLE} (
    id text PRIMARY KEY,
    hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
    tenant_id text NOT NULL,
    environment_id text NOT NULL,
    customer_id text NOT NULL,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL
  )`,
  // The session authenticator looks sessions up by hash: a unique index, never a scan.
  `CREATE UNIQUE INDEX ${SESSIONS_TABLE}_hash_key ON ${SESSIONS_TABLE} (hash)`,
  // Pruning finds the long-expired sessions without a scan.
  `CREATE INDEX ${SESSIONS_TABLE}_expires_at_idx ON ${SESSIONS_TABLE} (expires_at)`,
];

/** Version 3: webhook endpoints with their secrets, and the deliveries received for them. */
export const MIGRATION_3 = [
  `CREATE TABLE ${ENDPOINTS_TABLE} (
    id text PRIMARY KEY,
    tenant_id text NOT NULL,
    environment_id text NOT NULL,
    name text,
    tolerance_seconds integer NOT NULL,
    secrets jsonb NOT NULL CHECK (jsonb_typeof(secrets) = 'array'),
    created_at timestamptz NOT NULL
  )`,
  `CREATE INDEX ${ENDPOINTS_TABLE}_scope_created_idx
    ON ${ENDPOINTS_TABLE} (tenant_id, environment_id, created_at DESC, id COLLATE "C" DESC)`,
  `CREATE TABLE ${DELIVERIES_TABLE} (
    endpoint_id text NOT NULL REFERENCES ${ENDPOINTS_TABLE} (id) ON DELETE CASCADE,
    webhook_id text NOT NULL,
    event_type text,
    received_at timestamptz NOT NULL,
    size bigint NOT NULL,
    seq bigint GENERATED ALWAYS AS IDENTITY,
    -- A replayed webhook-id is refused by the database, so on every instance at once.
    PRIMARY KEY (endpoint_id, webhook_id)
  )`,
  // Listing is per endpoint, newest first.
  `CREATE INDEX ${DELIVERIES_TABLE}_listing_idx ON ${DELIVERIES_TABLE} (endpoint_id, received_at DESC, seq DESC)`,
];

/**
 * Version 5: idempotency keys of create and rotate. Only the SHA-256 of each key is stored, and
 * the result (which holds the plaintext key) sealed with AES-256-GCM under a key derived from
 * the idempotency key: this table alone gives no key back. (Version 4 is another change's.)
 */
export const MIGRATION_5 = [
  `CREATE TABLE ${IDEMPOTENCY_TABLE} (
    tenant_id text NOT NULL,
    environment_id text NOT NULL,
    key_hash text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
    result text,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, environment_id, key_hash)
  )`,
  // Pruning finds the records past the window without a scan.
  `CREATE INDEX ${IDEMPOTENCY_TABLE}_created_at_idx ON ${IDEMPOTENCY_TABLE} (created_at)`,
];

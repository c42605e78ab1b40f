// Every statement the store runs, in one place, for both drivers. Parameters only: no value
// is ever spliced into SQL text. Writes that must reach other instances call pg_notify in the
// same statement, so the notification is sent exactly when (and only if) the write commits.

/** The LISTEN/NOTIFY channel that carries the hash of every revoked, changed or rotated key. */
export const CHANGES_CHANNEL = 'keyward_key_changes';

/** The table of keys. */
const KEYS_TABLE = 'keyward_api_keys';

const COLUMNS =
  'id, hash, name, type, display_id, tenant_id, environment_id, user_id, scopes, active, expires_at, last_used_at, created_at, updated_at';

/** A key by its hash, through the unique index on `hash`. $1 hash. */
export const FIND_BY_HASH = `SELECT ${COLUMNS} FROM ${KEYS_TABLE} WHERE hash = $1`;

/** $1 id, $2 tenant, $3 environment. */
export const GET_IN_SCOPE = `SELECT ${COLUMNS} FROM ${KEYS_TABLE} WHERE id = $1 AND tenant_id = $2 AND environment_id = $3`;

/** As {@link GET_IN_SCOPE}, locking the row for a rotation. */
export const GET_IN_SCOPE_FOR_UPDATE = `${GET_IN_SCOPE} FOR UPDATE`;

/** $1…$14 in the order of the columns. */
export const INSERT_KEY = `INSERT INTO ${KEYS_TABLE} (${COLUMNS})
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text[], $10, $11, $12, $13, $14)`;

/**
 * One page and the total in one statement (one snapshot). Newest first; ties broken by id in
 * byte order (COLLATE "C"), as the memory store does, whatever the database's collation.
 * With an offset past the end the one row has a total and null key columns.
 * $1 tenant, $2 environment, $3 limit, $4 offset.
 */
export const LIST_PAGE = `SELECT counted.total, page.*
  FROM (SELECT count(*)::int AS total FROM ${KEYS_TABLE} WHERE tenant_id = $1 AND environment_id = $2) AS counted
  LEFT JOIN LATERAL (
    SELECT ${COLUMNS} FROM ${KEYS_TABLE} WHERE tenant_id = $1 AND environment_id = $2
    ORDER BY created_at DESC, id COLLATE "C" DESC
    LIMIT $3 OFFSET $4
  ) AS page ON true`;

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

/** The end of a rotation's grace period. $1 id, $2 expires_at, $3 now. */
export const EXPIRE_KEY = `WITH changed AS (
    UPDATE ${KEYS_TABLE} SET expires_at = $2, updated_at = $3 WHERE id = $1 RETURNING hash
  )
  SELECT changed.hash, pg_notify('${CHANGES_CHANNEL}', changed.hash)::text AS notified FROM changed`;

/**
 * Batched usage: one statement for every key used since the last flush. Never moves
 * last_used_at backwards (two instances may flush out of order). $1 ids, $2 times.
 */
export const RECORD_USAGE = `UPDATE ${KEYS_TABLE} AS k SET last_used_at = u.at
  FROM unnest($1::text[], $2::timestamptz[]) AS u(id, at)
  WHERE k.id = u.id AND (k.last_used_at IS NULL OR k.last_used_at < u.at)`;

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

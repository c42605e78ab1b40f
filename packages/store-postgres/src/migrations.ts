import type { SqlDriver } from './drivers/sql-driver.js';
import {
  CREATE_MIGRATIONS_TABLE,
  INSERT_MIGRATION,
  LOCK_MIGRATIONS,
  MIGRATION_1,
  MIGRATION_2,
  MIGRATION_3,
  MIGRATION_4,
  MIGRATION_5,
  SELECT_MIGRATIONS,
} from './sql.js';

/** One step of the schema. Versions only grow; a released migration is never edited. */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/** Every migration, in order. Applied ones are never edited: a change is a new version. */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'create_api_keys', statements: MIGRATION_1 },
  { version: 2, name: 'create_sessions', statements: MIGRATION_2 },
  { version: 3, name: 'create_webhooks', statements: MIGRATION_3 },
  { version: 4, name: 'add_key_successor', statements: MIGRATION_4 },
  { version: 5, name: 'create_idempotency_keys', statements: MIGRATION_5 },
];

/**
 * Applies the migrations not yet applied, in one transaction under a transaction-scoped
 * advisory lock: instances that start together wait for the first, then find nothing to do.
 * A database migrated by a newer release (versions this one does not know) is used as it is:
 * migrations only add, so older code keeps working. Returns the versions it applied.
 */
export async function runMigrations(
  driver: SqlDriver,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return driver.transaction(async (tx) => {
    await tx.query(LOCK_MIGRATIONS);
    await tx.query(CREATE_MIGRATIONS_TABLE);
    const { rows } = await tx.query<{ version: number }>(SELECT_MIGRATIONS);
    const applied = new Set(rows.map((r) => Number(r.version)));
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query(INSERT_MIGRATION, [migration.version, migration.name]);
      done.push(migration.version);
    }
    return done;
  });
}

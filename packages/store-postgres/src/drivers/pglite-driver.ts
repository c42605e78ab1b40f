import { PGlite } from '@electric-sql/pglite';
import type { Queryable, QueryResult, SqlDriver } from './sql-driver.js';

interface PGliteLike {
  query<R>(text: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
}

function toResult<R>(result: { rows: R[]; affectedRows?: number }): QueryResult<R> {
  // PGlite counts only written rows in affectedRows; a SELECT reports its rows instead.
  return { rows: result.rows, rowCount: result.affectedRows || result.rows.length };
}

function queryable(db: PGliteLike): Queryable {
  return {
    async query<R>(text: string, params?: unknown[]) {
      return toResult(await db.query<R>(text, params));
    },
  };
}

/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) persisted in `dataDir`,
 * or held in memory with `memory://`. One connection, so statements run one after another.
 */
export async function createPgliteDriver(dataDir: string): Promise<SqlDriver> {
  const db = await PGlite.create(dataDir);
  return {
    ...queryable(db),
    transaction: (fn) => db.transaction((tx) => fn(queryable(tx))),
    close: () => db.close(),
  };
}

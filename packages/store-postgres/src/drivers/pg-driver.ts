import pg from 'pg';
import type { Queryable, SqlDriver } from './sql-driver.js';

/** Options for {@link createPgDriver}. */
export interface PgDriverOptions {
  connectionString: string;
  poolSize?: number;
  /** Errors of idle pooled connections, which would otherwise crash the process. */
  onError: (err: Error) => void;
}

/** A PostgreSQL server through a node-postgres pool. */
export function createPgDriver(options: PgDriverOptions): SqlDriver {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    ...(options.poolSize === undefined ? {} : { max: options.poolSize }),
    application_name: 'keyward',
  });
  // An idle client that loses its connection (a restart, pg_terminate_backend) emits 'error'
  // on the pool; unhandled, that event would end the process. The pool replaces the client.
  pool.on('error', (err) =>
    options.onError(new Error(`idle PostgreSQL connection failed: ${err.message}`, { cause: err })),
  );

  const queryable = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(text: string, params?: unknown[]) {
      const result = await client.query(text, params);
      return { rows: result.rows as R[], rowCount: result.rowCount ?? result.rows.length };
    },
  });

  return {
    ...queryable(pool),
    async transaction(fn) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const value = await fn(queryable(client));
        await client.query('COMMIT');
        return value;
      } catch (err) {
        try {
          await client.query('ROLLBACK');
        } catch {
          // A connection that cannot roll back must not go back into the pool.
          broken = true;
        }
        throw err;
      } finally {
        client.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

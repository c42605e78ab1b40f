import pg from 'pg';
import type { Queryable, QueryOptions, SqlDriver } from './sql-driver.js';

/** Options for {@link createPgDriver}. */
export interface PgDriverOptions {
  connectionString: string;
  poolSize?: number;
  /** How long to wait for a pooled connection, or for a new one to be made, before failing. */
  connectTimeoutMs: number;
  /** How long any statement may go unanswered before it fails and its connection is dropped. */
  queryTimeoutMs: number;
  /** Errors of idle pooled connections, which would otherwise crash the process. */
  onError: (err: Error) => void;
}

/** A PostgreSQL server through a node-postgres pool. */
export function createPgDriver(options: PgDriverOptions): SqlDriver {
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    ...(options.poolSize === undefined ? {} : { max: options.poolSize }),
    application_name: 'keyward',
    // Without these a server that stops answering (a blackholed network: no FIN, no RST) holds
    // every caller until the operating system's TCP timeouts, many minutes later. A statement
    // that times out releases its connection with the error, and the pool drops it.
    connectionTimeoutMillis: options.connectTimeoutMs,
    query_timeout: options.queryTimeoutMs,
    keepAlive: true,
  });
  // An idle client that loses its connection (a restart, pg_terminate_backend) emits 'error'
  // on the pool; unhandled, that event would end the process. The pool replaces the client.
  pool.on('error', (err) =>
    options.onError(new Error(`idle PostgreSQL connection failed: ${err.message}`, { cause: err })),
  );

  const queryable = (client: pg.Pool | pg.PoolClient): Queryable => ({
    async query<R>(text: string, params?: unknown[], queryOptions?: QueryOptions) {
      const timeout = queryOptions?.timeoutMs;
      // `query_timeout` per statement is node-postgres's, though its types know it only per client.
      const config: pg.QueryConfig & { query_timeout?: number } = { text, values: params };
      if (timeout !== undefined) config.query_timeout = timeout;
      const result = await client.query(config);
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

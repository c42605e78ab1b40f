/** What one statement gives back: the rows it returned and how many rows it touched. */
export interface QueryResult<R> {
  rows: R[];
  rowCount: number;
}

/** How one statement runs. */
export interface QueryOptions {
  /**
   * Give up on the answer after this long, instead of the driver's default, and free the
   * connection it held (a PostgreSQL server only: the embedded database cannot be interrupted).
   */
  timeoutMs?: number;
}

/** Something that runs one parameterised statement: a driver, or a transaction of one. */
export interface Queryable {
  query<R = Record<string, unknown>>(text: string, params?: unknown[], options?: QueryOptions): Promise<QueryResult<R>>;
}

/**
 * The tiny surface both databases share, so the store has one set of SQL statements: PGlite
 * and node-postgres differ only behind this interface.
 */
export interface SqlDriver extends Queryable {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Ends every connection (or closes the embedded database, writing it out to its folder). */
  close(): Promise<void>;
}

// A private database per test file on the shared PostgreSQL server, for the store and server tests.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The server the PostgreSQL tests use: `DATABASE_URL`, else the local trust-auth default. */
export const pgAdminUrl: string = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparsable DATABASE_URL>';
  }
}

/** Why PostgreSQL server tests are skipped when {@link createTestDatabase} returns null. */
export const pgSkipReason: string = `PostgreSQL server tests skipped: no server at ${redact(pgAdminUrl)}`;

/** The URL of `url` with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: pgAdminUrl, connectionTimeoutMillis: 5_000 });
  // A dropped admin connection must not crash the test process with an unhandled 'error'.
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * A fresh database (`keyward_t_<random>`) on the test server, for one test file: tests of
 * several packages share the server at once. `null` when no server answers and `CI` is unset
 * (then the caller skips, showing {@link pgSkipReason}); with `CI` set it throws instead, so
 * CI cannot pass without running them.
 *
 * @example
 * const db = await createTestDatabase();
 * describe.skipIf(!db)('on PostgreSQL', () => { afterAll(() => db?.drop()); ... });
 */
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> } | null> {
  const name = `keyward_t_${randomBytes(6).toString('hex')}`;
  try {
    await adminQuery(`CREATE DATABASE ${name}`);
  } catch (err) {
    if (process.env.CI) {
      throw new Error(
        `PostgreSQL server tests cannot run: no server at ${redact(pgAdminUrl)}, and CI is set, so they may not be skipped: ${(err as Error).message}`,
        { cause: err },
      );
    }
    console.warn(`${pgSkipReason} (${(err as Error).message})`);
    return null;
  }
  return {
    url: withDatabase(pgAdminUrl, name),
    // FORCE ends connections a failed test left open, so the drop never hangs (PostgreSQL 13+).
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** Runs SQL on the admin connection: for tests that reach past the store (terminate, lock out). */
export async function runAdminSql(sql: string): Promise<void> {
  await adminQuery(sql);
}

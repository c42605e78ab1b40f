import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
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

const MEMORY = 'memory://';
const LOCK_FILE = 'keyward.lock';

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data directory for this process. PGlite is one process's database: a second
 * process opening the same folder would work on its own copy, and keys created, revoked or
 * acknowledged on one would be unknown to, or lost by, the other. The lock is a file holding
 * the owner's pid, created exclusively; a lock left by a process that no longer runs (a
 * SIGKILL) is taken over. Returns the function that releases it.
 */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt += 1) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(owner) && owner !== process.pid && isRunning(owner)) {
        throw new Error(
          `@keyward/store-postgres: the data directory ${dataDir} is in use by process ${owner}; an embedded database belongs to one process (point the others at a PostgreSQL server)`,
        );
      }
      if (owner === process.pid) {
        throw new Error(`@keyward/store-postgres: the data directory ${dataDir} is already open in this process`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new Error(`@keyward/store-postgres: could not lock the data directory ${dataDir}`);
}

const PGLITE = '@electric-sql/pglite';

/**
 * PGlite, loaded only when the embedded database is asked for: it is an optional peer
 * dependency (25 MB installed) that people running a PostgreSQL server never need.
 */
async function loadPglite(): Promise<typeof PGlite> {
  try {
    return (await import('@electric-sql/pglite')).PGlite;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Only PGlite itself missing is the user's to fix by installing it; anything else (a broken
    // install, a module of PGlite's own missing) is reported as it is.
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && isAbout(err, PGLITE)) {
      throw new Error(
        `@keyward/store-postgres: the embedded database needs the optional peer dependency ${PGLITE}: install it (npm install ${PGLITE}), or pass connectionString to use a PostgreSQL server`,
        { cause: err },
      );
    }
    throw err;
  }
}

function isAbout(err: unknown, name: string): boolean {
  const message = err instanceof Error ? err.message : '';
  return message.includes(`'${name}'`) || message.includes(`"${name}"`);
}

/**
 * The embedded database: PGlite (PostgreSQL compiled to WebAssembly) persisted in `dataDir`,
 * or held in memory with `memory://`. One connection, so statements run one after another. A
 * persisted folder is locked to this process until `close()`.
 */
export async function createPgliteDriver(dataDir: string): Promise<SqlDriver> {
  const release = dataDir === MEMORY ? () => {} : lockDataDir(dataDir);
  let db: PGlite;
  try {
    const PGliteClass = await loadPglite();
    db = await PGliteClass.create(dataDir);
  } catch (err) {
    release();
    throw err;
  }
  return {
    ...queryable(db),
    transaction: (fn) => db.transaction((tx) => fn(queryable(tx))),
    close: async () => {
      try {
        await db.close();
      } finally {
        release();
      }
    },
  };
}

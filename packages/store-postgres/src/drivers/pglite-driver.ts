import { execFile } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
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
 * What PGlite's PostgreSQL starts with, beside PGlite's own defaults. shared_buffers is
 * allocated inside PGlite's WebAssembly memory and zeroed there, so every page of it is
 * resident, and WebAssembly memory never shrinks: PostgreSQL's default of 128MB costs 128 MB of
 * RSS (and grew the memory past its initial 128 MB). keyward's tables are small and read
 * through the verification cache, and the files under them stay in the OS page cache, so 16MB
 * (2048 pages) holds their working set.
 */
const START_PARAMS = ['-c', 'shared_buffers=16MB'];

// Runs in a child process: makes a new database (initdb) in the folder it is given and closes
// it; for memory://, writes the new database to stdout as a tarball instead.
const INIT_DATABASE = `
const { entry, dataDir, startParams } = JSON.parse(process.argv[1]);
(async () => {
  const { PGlite } = require(entry);
  const db = await PGlite.create(dataDir, { startParams: [...PGlite.defaultStartParams, ...startParams] });
  try {
    if (dataDir === 'memory://') process.stdout.write(Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await db.close();
  }
})().catch((err) => {
  process.stderr.write(String(err && err.message));
  process.exitCode = 1;
});
`;

/**
 * Makes a new database in a child process: in `dataDir`, or for `memory://` as a tarball to
 * load. initdb runs in a second PGlite instance whose WebAssembly memories, and the memory the
 * allocator keeps after them, come to over 400 MB resident that a process never gives back; a
 * child's is returned when it exits.
 */
async function initDatabase(dataDir: string): Promise<Uint8Array | undefined> {
  const entry = createRequire(import.meta.url).resolve(PGLITE);
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=commonjs', '--eval', INIT_DATABASE, JSON.stringify({ entry, dataDir, startParams: START_PARAMS })],
    { encoding: 'buffer', maxBuffer: 1024 * 1024 * 1024 },
  ).catch((err: { stderr?: Buffer; message: string }) => {
    throw new Error(
      `@keyward/store-postgres: creating the embedded database failed: ${err.stderr?.toString().trim() || err.message}`,
    );
  });
  return dataDir === MEMORY ? stdout : undefined;
}

// A new database as a tarball, made once in a process that opens memory:// databases (tests,
// mostly, which open many) and loaded into each new one after it, memory:// or a folder; a
// process that never opens memory:// (a server on a folder) never holds it.
let template: Promise<Uint8Array> | undefined;

function memoryTemplate(): Promise<Uint8Array> {
  template ??= initDatabase(MEMORY).then((tar) => tar as Uint8Array);
  template.catch(() => {
    template = undefined;
  });
  return template;
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
    const fresh = dataDir === MEMORY || !existsSync(join(dataDir, 'PG_VERSION'));
    let tar: Uint8Array | undefined;
    if (dataDir === MEMORY || (fresh && template !== undefined)) tar = await memoryTemplate();
    else if (fresh) await initDatabase(dataDir);
    db = await PGliteClass.create(dataDir, {
      startParams: [...PGliteClass.defaultStartParams, ...START_PARAMS],
      ...(tar ? { loadDataDir: new Blob([tar]) } : {}),
    });
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

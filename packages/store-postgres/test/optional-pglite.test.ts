// PGlite is an optional peer: 25 MB that people who run a PostgreSQL server never load. The
// package must load without it, reach for it only when the embedded database is asked for, and
// then say which package to install. Installed here as a user would have it: the built package
// beside its dependencies, PGlite absent. Needs `pnpm build` first, as CI runs it.
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('../', import.meta.url));
const requireHere = createRequire(join(packageDir, 'package.json'));

/** The folder of an installed package, as this package resolves it. */
function installed(name: string): string {
  return realpathSync(dirname(requireHere.resolve(`${name}/package.json`)));
}

let app: string;

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), 'keyward-no-pglite-'));
  const modules = join(app, 'node_modules');
  const own = join(modules, '@keyward', 'store-postgres');
  mkdirSync(own, { recursive: true });
  cpSync(join(packageDir, 'package.json'), join(own, 'package.json'));
  cpSync(join(packageDir, 'dist'), join(own, 'dist'), { recursive: true });
  symlinkSync(installed('@keyward/core'), join(modules, '@keyward', 'core'), 'dir');
  symlinkSync(installed('pg'), join(modules, 'pg'), 'dir');
});

afterAll(() => {
  if (app) rmSync(app, { recursive: true, force: true });
});

// Loads the package the way `format` does and opens a store with `options`; prints what happened.
async function openStore(format: 'import' | 'require', options: object): Promise<string> {
  const load = format === 'import' ? "await import('@keyward/store-postgres')" : "require('@keyward/store-postgres')";
  const script = `
    const { createPostgresKeyStore } = ${load};
    try {
      const store = await createPostgresKeyStore(${JSON.stringify(options)});
      await store.close();
      console.log('opened');
    } catch (err) {
      console.log('refused: ' + err.message);
    }`;
  const input = format === 'import' ? 'module' : 'commonjs';
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [`--input-type=${input}`, '--eval', format === 'import' ? script : `(async () => {${script}})()`],
    // pnpm's bin shims set NODE_PATH to every package of the workspace, PGlite included: a
    // user's process has no such path, and require() would find PGlite through it.
    { cwd: app, env: { ...process.env, NODE_PATH: '' } },
  );
  return stdout.trim();
}

describe('@keyward/store-postgres without @electric-sql/pglite installed', () => {
  for (const format of ['import', 'require'] as const) {
    it(`(${format}) loads, and the embedded database names the package to install`, async () => {
      const output = await openStore(format, { dataDir: 'memory://' });
      expect(output).toBe(
        'refused: @keyward/store-postgres: the embedded database needs the optional peer dependency @electric-sql/pglite: install it (npm install @electric-sql/pglite), or pass connectionString to use a PostgreSQL server',
      );
    });

    it(`(${format}) never reaches for PGlite when given a PostgreSQL server`, async () => {
      // Port 1 refuses the connection: the store fails for that reason, not for PGlite.
      const output = await openStore(format, { connectionString: 'postgres://nobody@127.0.0.1:1/none' });
      expect(output).toMatch(/^refused: /);
      expect(output).not.toMatch(/pglite/i);
    });
  }
});

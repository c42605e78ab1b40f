// The published entries must export at runtime exactly the values their types declare. A name
// declared as a value but missing from the JavaScript passes `tsc --strict` and then fails when
// the user's program loads (`new ApiKeyError(...)` imported from an adapter did, in ESM and
// CJS alike); a runtime export missing from the types is unusable from TypeScript. Needs
// `pnpm build` first, as CI runs it.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';

const PACKAGES = ['core', 'express', 'fastify', 'koa', 'client', 'store-postgres', 'cli'];
const packagesDir = new URL('../../', import.meta.url);

interface BuiltEntry {
  /** e.g. `@keyward/core/adapter (require)` */
  label: string;
  format: 'import' | 'require';
  types: string;
  runtime: string;
}

type ExportTarget = string | { [condition: string]: ExportTarget };

function builtEntries(): BuiltEntry[] {
  const entries: BuiltEntry[] = [];
  for (const dir of PACKAGES) {
    const packageDir = new URL(`${dir}/`, packagesDir);
    const manifest = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8')) as {
      name: string;
      exports: Record<string, ExportTarget>;
    };
    for (const [subpath, target] of Object.entries(manifest.exports)) {
      if (subpath === './package.json') continue;
      for (const format of ['import', 'require'] as const) {
        const branch = typeof target === 'object' ? target[format] : undefined;
        const label = `${manifest.name}${subpath.slice(1)} (${format})`;
        // Every entry ships both builds with their types; an entry without one is a failure here.
        if (typeof branch !== 'object' || typeof branch.types !== 'string' || typeof branch.default !== 'string') {
          throw new Error(`${label}: exports must give { types, default } for ${format}`);
        }
        entries.push({
          label,
          format,
          types: fileURLToPath(new URL(branch.types, packageDir)),
          runtime: fileURLToPath(new URL(branch.default, packageDir)),
        });
      }
    }
  }
  return entries;
}

/** The names a declaration file exports as values: type-only exports and types are left out. */
function declaredValueExports(program: ts.Program, file: string): string[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file);
  const moduleSymbol = source && checker.getSymbolAtLocation(source);
  if (!moduleSymbol) throw new Error(`${file} is not a module`);
  const isValue = (exported: ts.Symbol): boolean => {
    let symbol = exported;
    // Follow `export { X } from`, `import { X }` … to the declaration; any `type` on the way
    // (`export type { X }`, `export { type X }`, `import type`) makes it a type-only export.
    while (symbol.flags & ts.SymbolFlags.Alias) {
      if (symbol.declarations?.some((d) => ts.isTypeOnlyImportOrExportDeclaration(d))) return false;
      const next = checker.getImmediateAliasedSymbol(symbol);
      if (next === undefined || next === symbol) break;
      symbol = next;
    }
    // An export whose module did not resolve ends on a symbol with no declaration: fail rather
    // than guess what it is.
    if (!symbol.declarations?.length) throw new Error(`${file}: cannot resolve the export ${exported.name}`);
    return (symbol.flags & ts.SymbolFlags.Value) !== 0;
  };
  return checker
    .getExportsOfModule(moduleSymbol)
    .filter(isValue)
    .map((symbol) => symbol.name)
    .sort();
}

// Loaded in a plain Node process, as users load the packages: no test runner's module
// transform between the build and what is checked.
const LIST_RUNTIME_EXPORTS = `
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
const require = createRequire(import.meta.url);
const result = {};
for (const { format, runtime } of JSON.parse(process.argv[1])) {
  try {
    const loaded = format === 'import' ? await import(pathToFileURL(runtime).href) : require(runtime);
    result[runtime] = { names: Object.keys(loaded).sort() };
  } catch (err) {
    result[runtime] = { error: String(err && err.message) };
  }
}
process.stdout.write(JSON.stringify(result));
`;

async function runtimeExports(entries: BuiltEntry[]): Promise<Record<string, { names?: string[]; error?: string }>> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '--eval', LIST_RUNTIME_EXPORTS, JSON.stringify(entries)],
    { cwd: fileURLToPath(packagesDir), maxBuffer: 16 * 1024 * 1024 },
  );
  return JSON.parse(stdout);
}

const entries = builtEntries();

describe('every built entry of every published package', () => {
  let runtime: Awaited<ReturnType<typeof runtimeExports>>;
  let program: ts.Program;
  beforeAll(async () => {
    const missing = entries.flatMap((e) => [e.types, e.runtime]).filter((file) => !existsSync(file));
    if (missing.length > 0) throw new Error(`run \`pnpm build\` first; missing: ${missing.join(', ')}`);
    runtime = await runtimeExports(entries);
    program = ts.createProgram(
      entries.map((e) => e.types),
      {
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        target: ts.ScriptTarget.ES2022,
        strict: true,
        skipLibCheck: true,
        noEmit: true,
      },
    );
  }, 120_000);

  it('covers core, its ./adapter and ./store, and every other published package, in ESM and CJS', () => {
    expect(entries.map((e) => e.label)).toEqual(
      expect.arrayContaining([
        '@keyward/core (import)',
        '@keyward/core (require)',
        '@keyward/core/adapter (import)',
        '@keyward/core/adapter (require)',
        '@keyward/core/store (import)',
        '@keyward/core/store (require)',
        ...['express', 'fastify', 'koa', 'client', 'store-postgres', 'cli'].flatMap((name) => [
          `@keyward/${name} (import)`,
          `@keyward/${name} (require)`,
        ]),
      ]),
    );
  });

  for (const entry of entries) {
    it(`${entry.label}: exports at runtime exactly the values its types declare`, () => {
      const loaded = runtime[entry.runtime];
      expect(loaded?.error).toBeUndefined();
      expect(loaded?.names).toEqual(declaredValueExports(program, entry.types));
    });
  }
});

// A package README's examples must work when pasted: each adapter's readme test runs them
// through these helpers, against the package's source and with stand-ins where an example
// would reach outside the test (a `listen(3000)`), and compiles them as a TypeScript user
// pasting them into a `--strict` project would.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** A README's text and its ```` ```js ```` blocks. */
export interface ReadmeExamples {
  text: string;
  /** Every block, in order. */
  all: string[];
  /** The first block: the example the README must open with. */
  opening: string;
  /** Whether the first block comes before the README's first `##` section. */
  openingIsFirst: boolean;
}

/** Reads a README's ```` ```js ```` blocks, for a test to run them. */
export function readmeExamples(readme: URL): ReadmeExamples {
  const text = readFileSync(readme, 'utf8');
  const blocks = [...text.matchAll(/^```js\n([\s\S]*?)^```$/gm)];
  const first = blocks[0];
  const firstSection = text.search(/^## /m);
  return {
    text,
    all: blocks.map((match) => match[1] ?? ''),
    opening: first?.[1] ?? '',
    openingIsFirst: first !== undefined && (firstSection === -1 || (first.index ?? 0) < firstSection),
  };
}

// `import a from 'm';`, `import { b, c as d } from 'm';`, `import a, { b } from 'm';`
const IMPORT = /^import\s+(?:(\w+)\s*,?\s*)?(?:\{([^}]*)\}\s*)?from\s+'([^']+)';?$/gm;

/**
 * Runs an example as Node runs it pasted into an `.mjs` file (top-level `await` included), with
 * every `import` served from `modules`: a module's default export is its `default` property.
 * Throws when the example imports something `modules` lacks, so a new import cannot slip
 * past the test.
 *
 * @example
 * await runExample(readmeExamples(new URL('../README.md', import.meta.url)).opening, {
 *   '@keyward/core': core,
 *   '@keyward/koa': await import('../src/index.js'),
 *   koa: { default: TestKoa },
 * });
 */
export async function runExample(code: string, modules: Record<string, object>): Promise<void> {
  const body = code.replace(IMPORT, (_line, name: string | undefined, names: string | undefined, from: string) => {
    if (!Object.hasOwn(modules, from)) throw new Error(`the example imports ${from}, which the test does not provide`);
    const source = `__modules[${JSON.stringify(from)}]`;
    const lines: string[] = [];
    if (name) lines.push(`const ${name} = ${source}.default;`);
    if (names) lines.push(`const {${names.replace(/\s+as\s+/g, ': ')}} = ${source};`);
    return lines.join(' ');
  });
  if (/^\s*import\b/m.test(body)) throw new Error('the example has an import this runner cannot read');
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
    ...args: string[]
  ) => (modules: Record<string, object>) => Promise<void>;
  await new AsyncFunction('__modules', body)(modules);
}

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

// What `tsc --init --strict` users have, for Node's ESM: nothing stricter, nothing looser.
const STRICT_PROJECT = {
  compilerOptions: {
    strict: true,
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    types: ['node'],
    skipLibCheck: true,
    noEmit: true,
  },
  include: ['*.ts'],
};

/**
 * Compiles every ```` ```js ```` and ```` ```ts ```` block of `readme` as its own TypeScript
 * module under `tsc --strict`, as a user would paste it into a `.ts` file, and returns tsc's
 * diagnostics (`''` when every block compiles). The blocks are written to a `.readme-examples`
 * folder beside the README (git-ignored), or in the folder `options.from` names for a README
 * whose examples run elsewhere, so that the package's own name resolves to its built `dist`
 * types, as it does for users: build the package first.
 *
 * @example
 * expect(await compileReadmeExamples(new URL('../README.md', import.meta.url))).toBe('');
 */
export async function compileReadmeExamples(readme: URL, options: { from?: URL } = {}): Promise<string> {
  const text = readFileSync(readme, 'utf8');
  const blocks = [...text.matchAll(/^```(?:js|ts)\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
  if (blocks.length === 0) return `${fileURLToPath(readme)} has no js or ts example`;
  const dir = new URL('.readme-examples/', options.from ?? readme);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir);
  writeFileSync(new URL('tsconfig.json', dir), JSON.stringify(STRICT_PROJECT));
  // `export {}` keeps each block a module of its own, so top-level await and names stay local.
  blocks.forEach((block, i) => {
    writeFileSync(new URL(`example-${i + 1}.ts`, dir), `${block}\nexport {};\n`);
  });
  return promisify(execFile)(process.execPath, [tsc, '-p', fileURLToPath(new URL('tsconfig.json', dir))]).then(
    () => '',
    (err: { stdout?: string; message: string }) => err.stdout || err.message,
  );
}

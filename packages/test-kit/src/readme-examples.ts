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
const STRICT_OPTIONS = {
  strict: true,
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  types: ['node'],
  skipLibCheck: true,
  noEmit: true,
};

/** A README whose examples {@link compileReadmeExamples} compiles. */
export interface ReadmeToCompile {
  readme: URL;
  /**
   * The folder the examples are compiled in, where their imports resolve; by default the
   * README's own, where the package's name resolves to its built types as it does for users.
   */
  from?: URL;
}

/**
 * Compiles every ```` ```js ```` and ```` ```ts ```` block of each README as its own TypeScript
 * module under `tsc --strict`, as a user would paste it into a `.ts` file, and returns tsc's
 * diagnostics (`''` when every block compiles), each naming `<folder>/.readme-examples/example-N.ts`.
 * The blocks are written to a git-ignored `.readme-examples` folder in the README's folder (or
 * `from`), and one tsc run checks them all, which costs far less than one run a README. Build
 * the packages first: their names resolve to their `dist` types.
 *
 * @example
 * expect(await compileReadmeExamples([{ readme: new URL('../README.md', import.meta.url) }])).toBe('');
 */
export async function compileReadmeExamples(readmes: readonly ReadmeToCompile[]): Promise<string> {
  const files: string[] = [];
  for (const { readme, from } of readmes) {
    const text = readFileSync(readme, 'utf8');
    const blocks = [...text.matchAll(/^```(?:js|ts)\n([\s\S]*?)^```$/gm)].map((match) => match[1] ?? '');
    if (blocks.length === 0) return `${fileURLToPath(readme)} has no js or ts example`;
    const dir = new URL('.readme-examples/', from ?? readme);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    // `export {}` keeps each block a module of its own, so top-level await and names stay local.
    blocks.forEach((block, i) => {
      const file = new URL(`example-${i + 1}.ts`, dir);
      writeFileSync(file, `${block}\nexport {};\n`);
      files.push(fileURLToPath(file));
    });
  }
  // The project sits with this package, where @types/node resolves for every README.
  const project = new URL('../.readme-examples/', import.meta.url);
  mkdirSync(project, { recursive: true });
  const tsconfig = new URL('tsconfig.json', project);
  writeFileSync(tsconfig, JSON.stringify({ compilerOptions: STRICT_OPTIONS, files }));
  return promisify(execFile)(process.execPath, [tsc, '-p', fileURLToPath(tsconfig)]).then(
    () => '',
    (err: { stdout?: string; message: string }) => err.stdout || err.message,
  );
}

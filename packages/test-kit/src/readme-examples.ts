// A package README's examples must work when pasted: each adapter's readme test runs them
// through these two helpers, against the package's source and with stand-ins where an example
// would reach outside the test (a `listen(3000)`).
import { readFileSync } from 'node:fs';

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

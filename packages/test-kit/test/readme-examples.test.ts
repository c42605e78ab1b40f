import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compileReadmeExamples, readmeExamples, runExample } from '../src/readme-examples.js';

describe('runExample', () => {
  it('serves default, named and renamed imports from the given modules, top-level await included', async () => {
    const seen: unknown[] = [];
    const code = [
      "import first, { b, c as renamed } from 'm';",
      "import { record } from 'sink';",
      'record(first, b, renamed, await Promise.resolve(4));',
    ].join('\n');
    await runExample(code, { m: { default: 1, b: 2, c: 3 }, sink: { record: (...v: unknown[]) => seen.push(...v) } });
    expect(seen).toEqual([1, 2, 3, 4]);
  });

  it('refuses an example that imports a module the test does not provide', async () => {
    await expect(runExample("import x from 'elsewhere';", {})).rejects.toThrow(
      'the example imports elsewhere, which the test does not provide',
    );
  });

  it('refuses an import it cannot read rather than leave it in', async () => {
    await expect(runExample("import * as all from 'm';", { m: {} })).rejects.toThrow(
      'the example has an import this runner cannot read',
    );
  });
});

describe('readmeExamples', () => {
  it('finds the js blocks, and whether the first comes before any section', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keyward-readme-'));
    const file = join(dir, 'README.md');
    writeFileSync(file, '# x\n\n```js\none\n```\n\n## Section\n\n```sh\nnot js\n```\n\n```js\ntwo\n```\n');
    const found = readmeExamples(pathToFileURL(file));
    expect(found.all).toEqual(['one\n', 'two\n']);
    expect(found.opening).toBe('one\n');
    expect(found.openingIsFirst).toBe(true);
    writeFileSync(file, '# x\n\n## Section\n\n```js\none\n```\n');
    expect(readmeExamples(pathToFileURL(file)).openingIsFirst).toBe(false);
  });
});

describe('compileReadmeExamples', () => {
  it('compiles each js and ts block under --strict, and reports what does not compile', async () => {
    const cache = fileURLToPath(new URL('../node_modules/.cache/', import.meta.url));
    mkdirSync(cache, { recursive: true });
    const dir = mkdtempSync(join(cache, 'readme-'));
    const file = join(dir, 'README.md');
    writeFileSync(
      file,
      '# x\n\n```js\nconst n = [1].find((x) => x > 0);\nconsole.log(n + 1);\n```\n\n```ts\nconst ok: number = 1;\n```\n',
    );
    const output = await compileReadmeExamples([{ readme: pathToFileURL(file) }]);
    // `find` may return undefined: strict null checks refuse `n + 1` (TS18048) in block 1 only.
    expect(output).toMatch(/example-1\.ts\(2,13\): error TS18048/);
    expect(output).not.toMatch(/example-2\.ts/);
    writeFileSync(file, '# x\n\n```js\nconst n = [1].find((x) => x > 0);\nconsole.log((n ?? 0) + 1);\n```\n');
    expect(await compileReadmeExamples([{ readme: pathToFileURL(file) }])).toBe('');
    rmSync(dir, { recursive: true, force: true });
  }, 120_000);
});

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readmeExamples, runExample } from '../src/readme-examples.js';

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

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const project = fileURLToPath(new URL('./types/tsconfig.json', import.meta.url));

describe('@keyward/koa types, as built', () => {
  it('type-checks test/types against dist/index.d.ts', async () => {
    // The type tests import the package by name, which resolves to dist: build it first.
    expect(existsSync(new URL('../dist/index.d.ts', import.meta.url))).toBe(true);
    const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', project]).then(
      () => ({ code: 0, output: '' }),
      (err: { code: number; stdout: string }) => ({ code: err.code, output: err.stdout }),
    );
    expect(result.output).toBe('');
    expect(result.code).toBe(0);
  }, 120_000);
});

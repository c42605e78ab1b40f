import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/**
 * Type-checks a package's `test/types` against its built `dist/index.d.ts`, as users receive
 * it: the augmentations (`req.apiKey`, `request.apiKey`, `ctx.state.apiKey`) must survive the
 * `.d.ts` build. `testDir` is the package's `test/` folder as a URL.
 */
export function describeBuiltTypes(packageName: string, testDir: URL): void {
  describe(`${packageName} types, as built`, () => {
    it('type-checks test/types against dist/index.d.ts', async () => {
      // The type tests import the package by name, which resolves to dist: build it first.
      expect(existsSync(new URL('../dist/index.d.ts', testDir))).toBe(true);
      const project = fileURLToPath(new URL('./types/tsconfig.json', testDir));
      const result = await promisify(execFile)(process.execPath, [tsc, '--noEmit', '-p', project]).then(
        () => ({ code: 0, output: '' }),
        (err: { code: number; stdout: string }) => ({ code: err.code, output: err.stdout }),
      );
      expect(result.output).toBe('');
      expect(result.code).toBe(0);
    }, 120_000);
  });
}

// What runs on every request, and what a client application ships, must not carry zod: it is
// over 400 KB of a bundle whose own code is about 15 KB, and megabytes of every install. Input is
// checked there with core's small hand-written rules. This bundles each built entry (ESM and
// CJS) as an application's bundler would, and fails if its import graph reaches zod at all.
// Needs `pnpm build` first, as CI runs it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { describe, expect, it } from 'vitest';

const packagesDir = new URL('../../', import.meta.url);

// Every entry an application loads to guard requests or call a keyward server. Only the stores
// (core's ./store entry is theirs) and the reference server parse input with anything bigger.
const ENTRIES = [
  ['@keyward/core', 'core/dist/index'],
  ['@keyward/core/adapter', 'core/dist/adapter'],
  ['@keyward/express', 'express/dist/index'],
  ['@keyward/fastify', 'fastify/dist/index'],
  ['@keyward/koa', 'koa/dist/index'],
  ['@keyward/client', 'client/dist/index'],
] as const;

/** The input files of a bundle of `file`, the framework left out (it is the application's). */
async function bundledInputs(entry: { file: string } | { source: string; resolveDir: string }): Promise<string[]> {
  const result = await esbuild.build({
    ...('file' in entry
      ? { entryPoints: [entry.file] }
      : { stdin: { contents: entry.source, resolveDir: entry.resolveDir, loader: 'js' as const } }),
    bundle: true,
    platform: 'node',
    format: 'esm',
    write: false,
    metafile: true,
    outfile: 'out.js',
    logLevel: 'silent',
    external: ['express', 'fastify', 'koa'],
  });
  return Object.keys(result.metafile.inputs);
}

const isZod = (input: string) => /(^|\/)node_modules\/(\.pnpm\/zod@[^/]+\/node_modules\/)?zod\//.test(input);

describe('entries on the request path and in client applications', () => {
  it('recognises zod in a bundle, so that a pass below means something', async () => {
    // The reference server depends on zod, as an application that parses its input with it would.
    const resolveDir = fileURLToPath(new URL('../../../apps/server', import.meta.url));
    const inputs = await bundledInputs({ source: "import { z } from 'zod'; console.log(z.string());", resolveDir });
    expect(inputs.some(isZod)).toBe(true);
  });

  for (const [name, path] of ENTRIES) {
    for (const extension of ['js', 'cjs']) {
      it(`${name} (${extension === 'js' ? 'import' : 'require'}) never reaches zod`, async () => {
        const file = fileURLToPath(new URL(`${path}.${extension}`, packagesDir));
        if (!existsSync(file)) throw new Error(`run \`pnpm build\` first; missing: ${file}`);
        const inputs = await bundledInputs({ file });
        expect(inputs.length).toBeGreaterThan(1);
        expect(inputs.filter(isZod)).toEqual([]);
      });
    }
  }
});

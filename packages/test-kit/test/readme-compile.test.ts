// Every TypeScript or JavaScript example in the READMEs compiles under `tsc --strict` against the
// built packages, as a TypeScript user pasting it would find. The packages' own readme tests run
// the same examples; this one checks their types. Needs `pnpm build` first, as CI runs it.
import { describe, expect, it } from 'vitest';
import { compileReadmeExamples } from '../src/readme-examples.js';

const root = new URL('../../../', import.meta.url);
const READMES = [
  'packages/core/README.md',
  'packages/express/README.md',
  'packages/fastify/README.md',
  'packages/koa/README.md',
  'packages/client/README.md',
  'packages/store-postgres/README.md',
];

describe('README examples under tsc --strict', () => {
  it('compile, in the root README and every package README', async () => {
    const output = await compileReadmeExamples([
      // The root README's example is saved in apps/server, where @keyward/core resolves.
      { readme: new URL('README.md', root), from: new URL('apps/server/', root) },
      ...READMES.map((readme) => ({ readme: new URL(readme, root) })),
    ]);
    expect(output).toBe('');
  }, 180_000);
});

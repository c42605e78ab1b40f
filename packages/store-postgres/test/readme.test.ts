import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@keyward/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as storePostgres from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  let dataDir: string;
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'keyward-readme-'));
  });
  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('opens with an example of ten lines or fewer that works when pasted', async () => {
    const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(readme.indexOf('```js')).toBeLessThan(readme.indexOf('## '));
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(10);
    // Run as pasted, but against this package's source and in a fresh folder instead of ./data.
    const body = example
      .replace(/^import \{([^}]+)\} from '@keyward\/core';$/m, (_line, names: string) => `const {${names}} = core;`)
      .replace(
        /^import \{([^}]+)\} from '@keyward\/store-postgres';$/m,
        (_line, names: string) => `const {${names}} = storePostgres;`,
      )
      .replace(`'./data'`, JSON.stringify(dataDir));
    expect(body).not.toMatch(/^import /m);
    expect(body).toContain(JSON.stringify(dataDir));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    await new AsyncFunction('core', 'storePostgres', body)(core, storePostgres);
    expect(log.mock.calls).toEqual([
      [
        {
          ok: true,
          context: expect.objectContaining({ tenantId: 'acme', environmentId: 'prod', name: 'ci', scopes: [] }),
        },
      ],
      [false],
    ]);
    expect((await stat(join(dataDir, 'PG_VERSION'))).isFile()).toBe(true);
  });

  it('documents every option createPostgresKeyStore knows, and no other', async () => {
    const documented = [...readme.matchAll(/^\| `([A-Za-z]+)` +\|/gm)].map((m) => m[1]);
    const refusal = await storePostgres.createPostgresKeyStore({ unknownOption: true } as never).catch((e) => e);
    const known = /; known: (.*)$/.exec((refusal as Error).message)?.[1]?.split(', ');
    expect(known).toContain('connectionString');
    expect(documented).toEqual(known);
  });
});

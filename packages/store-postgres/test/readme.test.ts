import { readFileSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@keyward/core';
import * as coreStore from '@keyward/core/store';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as storePostgres from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The first js example after `heading` (or the first of all without one). */
function exampleUnder(heading?: string): string {
  const from = heading === undefined ? 0 : readme.indexOf(`\n${heading}\n`);
  expect(from).toBeGreaterThanOrEqual(0);
  return /```js\n([\s\S]*?)```/.exec(readme.slice(from))?.[1] ?? '';
}

/**
 * Runs an example as pasted, but against this package's source and in a fresh folder instead
 * of ./data, and gives back what it logged.
 */
async function run(example: string, dataDir: string): Promise<unknown[][]> {
  const body = example
    .replace(/^import \{([^}]+)\} from '@keyward\/core';$/m, (_line, names: string) => `const {${names}} = core;`)
    .replace(
      /^import \{([^}]+)\} from '@keyward\/core\/store';$/m,
      (_line, names: string) => `const {${names}} = coreStore;`,
    )
    .replace(
      /^import \{([^}]+)\} from '@keyward\/store-postgres';$/m,
      (_line, names: string) => `const {${names}} = storePostgres;`,
    )
    .replace(`'./data'`, JSON.stringify(dataDir));
  expect(body).not.toMatch(/^import /m);
  expect(body).toContain(JSON.stringify(dataDir));
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  await new AsyncFunction('core', 'coreStore', 'storePostgres', body)(core, coreStore, storePostgres);
  const calls = [...log.mock.calls];
  log.mockRestore();
  return calls;
}

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
    const example = exampleUnder();
    expect(readme.indexOf('```js')).toBeLessThan(readme.indexOf('## '));
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(10);
    expect(await run(example, dataDir)).toEqual([
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

  it('shows portal sessions at work in an example that runs', async () => {
    const calls = await run(exampleUnder('## Portal sessions'), join(dataDir, 'sessions'));
    expect(calls).toEqual([
      [
        {
          ok: true,
          session: {
            sessionId: expect.stringMatching(/^ses_/),
            customerId: 'cus_42',
            tenantId: 'acme',
            environmentId: 'prod',
            expiresAt: expect.any(Date),
          },
        },
      ],
      [false],
    ]);
  });

  it('shows a webhook verified against its stored secret, then refused as a replay, in an example that runs', async () => {
    const calls = await run(exampleUnder('## Webhook endpoints'), join(dataDir, 'webhooks'));
    expect(calls).toEqual([['recorded', 'replayed']]);
  });

  it('documents every option createPostgresKeyStore knows, and no other', async () => {
    const documented = [...readme.matchAll(/^\| `([A-Za-z]+)` +\|/gm)].map((m) => m[1]);
    const refusal = await storePostgres.createPostgresKeyStore({ unknownOption: true } as never).catch((e) => e);
    const known = /; known: (.*)$/.exec((refusal as Error).message)?.[1]?.split(', ');
    expect(known).toContain('connectionString');
    expect(documented).toEqual(known);
  });
});

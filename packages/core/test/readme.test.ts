import { readFileSync } from 'node:fs';
import { format } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as adapter from '../src/adapter.js';
import * as core from '../src/index.js';
import * as store from '../src/store.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

// Every ```js block of the README is meant to be pasted and run; anything else (json, sh) is not.
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
const ENTRIES: Record<string, object> = {
  '@keyward/core': core,
  '@keyward/core/adapter': adapter,
  '@keyward/core/store': store,
};

/** Runs a block against this package's source: each import becomes a destructuring of its entry. */
async function run(block: string): Promise<void> {
  const body = block.replace(
    /^import \{([^}]+)\} from '(@keyward\/core(?:\/adapter|\/store)?)';$/gm,
    (_line, names: string, entry: string) => `const {${names}} = entries[${JSON.stringify(entry)}];`,
  );
  expect(body).not.toMatch(/^import /m);
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  await new AsyncFunction('entries', body)(ENTRIES);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('README', () => {
  it('opens with an example of ten lines or fewer that works when pasted', async () => {
    const example = blocks[0] ?? '';
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(10);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    await run(example);
    expect(log).toHaveBeenCalledTimes(1);
    const [context] = log.mock.calls[0] ?? [];
    expect(context).toMatchObject({ tenantId: 'acme', environmentId: 'prod', scopes: ['*'], name: 'ci' });
  });

  // The other examples say what they print in `// → …` comments, in order.
  it.each(blocks.slice(1).map((block, index) => [index + 2, block] as const))(
    'runs code block %i as pasted, and it prints what its comments say',
    async (_n, block) => {
      const expected = [...block.matchAll(/\/\/ → (.*)$/gm)].map((match) => match[1]);
      expect(expected.length).toBeGreaterThan(0);
      const log = vi.spyOn(console, 'log').mockImplementation(() => {});
      await run(block);
      expect(log.mock.calls.map((args) => format(...args))).toEqual(expected);
    },
  );

  it('shows each entry point at work in an example that runs', () => {
    for (const entry of Object.keys(ENTRIES)) {
      expect(blocks.some((block) => block.includes(`from '${entry}';`))).toBe(true);
    }
  });

  it('lists every error code with its status and message, as ERROR_CODES has them', () => {
    const rows = [...readme.matchAll(/^\|\s*`([a-z_]+)`\s*\|\s*(\d{3})\s*\|\s*([^|]+?)\s*\|$/gm)].map((m) => [
      m[1],
      { status: Number(m[2]), message: m[3]?.trim() },
    ]);
    expect(Object.fromEntries(rows)).toEqual(core.ERROR_CODES);
  });

  it('states the defaults the code has', () => {
    expect(readme).toContain(core.DEV_API_KEY);
    expect(readme).toContain(`${core.DEFAULT_FAILURE_LIMIT.max} failed attempts`);
    for (const id of [core.DEV_TENANT_ID, core.DEV_ENVIRONMENT_ID, core.DEV_USER_ID]) expect(readme).toContain(id);
  });
});

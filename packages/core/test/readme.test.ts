import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as core from '../src/index.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('README', () => {
  it('opens with an example of ten lines or fewer that works when pasted', async () => {
    const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(10);
    // Run it against this package's source: the import becomes a destructuring of the module.
    const body = example.replace(
      /^import \{([^}]+)\} from '@keyward\/core';$/m,
      (_line, names: string) => `const {${names}} = core;`,
    );
    expect(body).not.toMatch(/^import /m);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    await new AsyncFunction('core', body)(core);
    expect(log).toHaveBeenCalledTimes(1);
    const [context] = log.mock.calls[0] ?? [];
    expect(context).toMatchObject({ tenantId: 'acme', environmentId: 'prod', scopes: ['*'], name: 'ci' });
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

import { readFileSync } from 'node:fs';
import * as core from '@keyward/core';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KNOWN_BACKOFF, KNOWN_OPTIONS } from '../src/client-options.js';
import * as client from '../src/index.js';
import { WIRE_KEY } from './helpers.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

afterEach(() => {
  vi.restoreAllMocks();
});

describe('README', () => {
  it('opens with an example of ten lines or fewer that runs against the reference routes', async () => {
    const example = /```ts\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(readme.indexOf('```ts')).toBeLessThan(readme.indexOf('## '));
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(10);

    // The reference server's answers, on the origin the example names; the example's own
    // createClient gets the mock as its dispatcher and nothing else changes.
    const agent = new MockAgent();
    agent.disableNetConnect();
    const pool = agent.get('http://127.0.0.1:3000');
    const json = { headers: { 'content-type': 'application/json' } };
    pool.intercept({ method: 'GET', path: '/v1/me', headers: { 'x-api-key': core.DEV_API_KEY } }).reply(
      200,
      {
        key_id: 'key_dev',
        tenant_id: 'tenant_dev',
        environment_id: 'env_dev',
        user_id: 'user_dev',
        scopes: ['*'],
        name: 'Development key',
      },
      json,
    );
    pool
      .intercept({ method: 'POST', path: '/v1/secrets/api/keys' })
      .reply(201, { api_key: 'c'.repeat(64), secret: WIRE_KEY }, json);
    pool
      .intercept({ method: 'GET', path: '/v1/secrets/api/keys?limit=10' })
      .reply(200, { items: [WIRE_KEY], pagination: { total: 1, limit: 10, offset: 0 } }, json);

    const body = example
      .replace(
        /^import \{([^}]+)\} from '@keyward\/client';$/m,
        (_l, names: string) => `const {${names}} = clientModule;`,
      )
      .replace(/^import \{([^}]+)\} from '@keyward\/core';$/m, (_l, names: string) => `const {${names}} = coreModule;`);
    expect(body).not.toMatch(/^import /m);
    const withMock = {
      ...client,
      createClient: (options: client.ClientOptions) => client.createClient({ ...options, dispatcher: agent }),
    };
    vi.stubEnv('KEYWARD_API_KEY', undefined);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
    try {
      await new AsyncFunction('clientModule', 'coreModule', body)(withMock, core);
    } finally {
      vi.unstubAllEnvs();
    }
    agent.assertNoPendingInterceptors();
    await agent.close();
    expect(log.mock.calls.map((call) => call.join(' '))).toEqual([
      'Development key: tenant tenant_dev, environment env_dev, scopes *',
      `created ${WIRE_KEY.id} (${WIRE_KEY.display_id}); keep its 64-character key, it is shown once`,
      '1 keys: ci active',
    ]);
  });

  it('lists every error code the client can raise', () => {
    const listed = new Set([...readme.matchAll(/^\| `([a-z_]+)`\s+\|/gm)].map((m) => m[1]));
    for (const code of [...Object.keys(core.ERROR_CODES), ...Object.keys(client.CLIENT_ERROR_CODES)]) {
      expect(listed, code).toContain(code);
    }
  });

  it('lists every option', () => {
    for (const option of KNOWN_OPTIONS) {
      if (option === 'backoff') continue;
      expect(readme).toMatch(new RegExp(`^\\| \`${option}\`\\s+\\|`, 'm'));
    }
    for (const option of KNOWN_BACKOFF) expect(readme).toMatch(new RegExp(`\`backoff\\.${option}\`|\`${option}\``));
  });

  it('names every input type the package exports', () => {
    const index = readFileSync(new URL('../src/index.ts', import.meta.url), 'utf8');
    const inputs = [...index.matchAll(/\b([A-Z]\w*Input)\b/g)].map((m) => m[1]);
    expect(inputs.length).toBeGreaterThanOrEqual(5);
    for (const name of inputs) expect(readme, name).toContain(`\`${name}\``);
  });

  it('states the defaults the code has', () => {
    expect(readme).toContain(`\`${client.DEFAULT_BACKOFF.baseDelayMs}\``);
    expect(readme).toContain(`\`${client.DEFAULT_BACKOFF.maxDelayMs}\``);
    expect(readme).toContain(`\`${client.DEFAULT_BACKOFF.maxRetryAfterMs}\``);
  });
});

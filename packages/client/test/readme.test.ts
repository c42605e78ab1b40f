import { readFileSync } from 'node:fs';
import * as core from '@keyward/core';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KNOWN_BACKOFF, KNOWN_OPTIONS, KNOWN_PORTAL_OPTIONS } from '../src/client-options.js';
import * as client from '../src/index.js';
import {
  TOKEN,
  WEBHOOK_SECRET,
  WIRE_CREATED_SESSION,
  WIRE_DELIVERY,
  WIRE_ENDPOINT,
  WIRE_KEY,
  WIRE_PORTAL_SESSION,
} from './helpers.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const json = { headers: { 'content-type': 'application/json' } };

/** The text of the README section under `## heading`, up to the next `## `. */
function section(heading: string): string {
  const start = readme.indexOf(`\n## ${heading}\n`);
  expect(start, heading).toBeGreaterThan(0);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** The first ```ts block of `text`. */
function firstExample(text: string): string {
  return /```ts\n([\s\S]*?)```/.exec(text)?.[1] ?? '';
}

/**
 * Runs a README example as pasted, with its imports of @keyward/client and @keyward/core bound
 * to the real modules, except that every client it makes gets `agent` as its dispatcher. Returns
 * what it printed with console.log.
 */
async function runExample(example: string, agent: MockAgent): Promise<string[]> {
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
    createPortalClient: (options: client.PortalClientOptions) =>
      client.createPortalClient({ ...options, dispatcher: agent }),
  };
  vi.stubEnv('KEYWARD_API_KEY', undefined);
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  try {
    await new AsyncFunction('clientModule', 'coreModule', body)(withMock, core);
  } finally {
    vi.unstubAllEnvs();
  }
  return log.mock.calls.map((call) => call.join(' '));
}

function mockAgent() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  return { agent, pool: agent.get('http://127.0.0.1:3000') };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('README', () => {
  it('opens with an example of ten lines or fewer that runs against the reference routes', async () => {
    const example = firstExample(readme);
    expect(readme.indexOf('```ts')).toBeLessThan(readme.indexOf('## '));
    expect(example.trim().split('\n').length).toBeLessThanOrEqual(10);

    // The reference server's answers, on the origin the example names; the example's own
    // createClient gets the mock as its dispatcher and nothing else changes.
    const { agent, pool } = mockAgent();
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

    const printed = await runExample(example, agent);
    agent.assertNoPendingInterceptors();
    await agent.close();
    expect(printed).toEqual([
      'Development key: tenant tenant_dev, environment env_dev, scopes *',
      `created ${WIRE_KEY.id} (${WIRE_KEY.display_id}); keep its 64-character key, it is shown once`,
      '1 keys: ci active',
    ]);
  });

  it('runs the listing example: iterating follows next_cursor page after page', async () => {
    const { agent, pool } = mockAgent();
    const page = (ids: string[], nextCursor: string | null) => ({
      items: ids.map((id) => ({ ...WIRE_KEY, id })),
      pagination: { total: 3, limit: 100, offset: 0, next_cursor: nextCursor },
    });
    pool
      .intercept({ method: 'GET', path: '/v1/secrets/api/keys?limit=100' })
      .reply(200, page(['k1', 'k2'], 'c1'), json);
    pool
      .intercept({ method: 'GET', path: '/v1/secrets/api/keys?limit=100&cursor=c1' })
      .reply(200, page(['k3'], null), json);
    pool
      .intercept({ method: 'GET', path: '/v1/secrets/api/keys?limit=10' })
      .reply(200, { ...page(['k1'], 'c2'), pagination: { total: 3, limit: 10, offset: 0, next_cursor: 'c2' } }, json);
    pool
      .intercept({ method: 'GET', path: '/v1/secrets/api/keys?limit=10&cursor=c2' })
      .reply(200, page(['k2', 'k3'], null), json);
    const printed = await runExample(firstExample(section('Listing every key')), agent);
    agent.assertNoPendingInterceptors();
    await agent.close();
    expect(printed).toEqual(['k1 ci active', 'k2 ci active', 'k3 ci active', '3 keys; a second page of 2']);
  });

  it('runs the idempotency example: one key for the retry, 422 for another request', async () => {
    const { agent, pool } = mockAgent();
    const sent: string[] = [];
    const bodies: unknown[] = [];
    const answer = (statusCode: number, data: object) => (opts: { headers?: unknown; body?: unknown }) => {
      sent.push((opts.headers as Record<string, string>)['idempotency-key'] as string);
      bodies.push(JSON.parse(String(opts.body)));
      return { statusCode, data, responseOptions: json };
    };
    const created = { api_key: 'c'.repeat(64), secret: WIRE_KEY };
    pool.intercept({ method: 'POST', path: '/v1/secrets/api/keys' }).reply(answer(201, created));
    pool.intercept({ method: 'POST', path: '/v1/secrets/api/keys' }).reply(answer(201, created));
    pool
      .intercept({ method: 'POST', path: '/v1/secrets/api/keys' })
      .reply(answer(422, { error: { code: 'idempotency_key_reused', message: 'reused' } }));
    const printed = await runExample(firstExample(section('Safe retries of create and rotate')), agent);
    agent.assertNoPendingInterceptors();
    await agent.close();
    expect(printed).toEqual(['one key', 'idempotency_key_reused']);
    expect(sent[0]).toMatch(/^deploy-[0-9a-f-]{36}-[0-9a-f-]{36}$/);
    expect(new Set(sent).size).toBe(1);
    expect(bodies.map((b) => (b as { name: string }).name)).toEqual(['deploy', 'deploy', 'something else']);
  });

  it('runs the portal sessions example: the key mints, the token alone reads and logs out', async () => {
    const { agent, pool } = mockAgent();
    const key = { 'x-api-key': core.DEV_API_KEY };
    const token = { 'x-session-token': TOKEN };
    let minted: unknown;
    pool.intercept({ method: 'POST', path: '/v1/portal/sessions', headers: key }).reply((opts) => {
      minted = JSON.parse(String(opts.body));
      return { statusCode: 201, data: WIRE_CREATED_SESSION, responseOptions: json };
    });
    // Only requests with the token and without any key match: a key sent here fails the test.
    const tokenOnly = (headers: Record<string, string>) =>
      headers['x-session-token'] === TOKEN && !('x-api-key' in headers);
    pool.intercept({ method: 'GET', path: '/v1/portal/me', headers: tokenOnly }).reply(200, WIRE_PORTAL_SESSION, json);
    pool.intercept({ method: 'DELETE', path: '/v1/portal/sessions/current', headers: token }).reply(204, '');

    const printed = await runExample(firstExample(section('Portal sessions')), agent);
    agent.assertNoPendingInterceptors();
    await agent.close();
    expect(minted).toEqual({ customer_id: 'cus_42', ttl_seconds: 900 });
    expect(printed).toEqual([
      `session ${WIRE_CREATED_SESSION.session_id} acts for cus_42 until ${WIRE_CREATED_SESSION.expires_at}`,
    ]);
  });

  it('runs the webhooks example: the endpoint is made, the signed webhook verifies, deliveries list', async () => {
    const { agent, pool } = mockAgent();
    const key = { 'x-api-key': core.DEV_API_KEY };
    pool
      .intercept({ method: 'POST', path: '/v1/webhooks/endpoints', headers: key })
      .reply(201, { ...WIRE_ENDPOINT, secret: WEBHOOK_SECRET }, json);
    pool
      .intercept({ method: 'GET', path: '/v1/me', headers: key })
      .reply(
        200,
        { key_id: 'k', tenant_id: 'tenant_dev', environment_id: 'env_dev', user_id: null, scopes: ['*'], name: 'dev' },
        json,
      );
    pool
      .intercept({ method: 'GET', path: `/v1/webhooks/endpoints/${WIRE_ENDPOINT.id}/deliveries`, headers: key })
      .reply(200, { items: [WIRE_DELIVERY], pagination: { total: 1, limit: 50, offset: 0 } }, json);
    // The receiver, as the reference server checks it: the URL and a signature made with the secret.
    const received: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init: { headers: Record<string, string>; body: string }) => {
      const verified = core.verifyWebhook({ headers: init.headers, payload: init.body, secrets: [WEBHOOK_SECRET] });
      received.push(`${url} ${verified.ok} ${init.body}`);
      return new Response(null, { status: verified.ok ? 204 : 401 });
    });
    try {
      const printed = await runExample(firstExample(section('Webhooks')), agent);
      expect(printed).toEqual([`answered 204; msg_1 invoice.paid ${WIRE_DELIVERY.size} bytes`]);
    } finally {
      vi.unstubAllGlobals();
    }
    agent.assertNoPendingInterceptors();
    await agent.close();
    expect(received).toEqual([
      `http://127.0.0.1:3000/v1/webhooks/tenant_dev/env_dev/${WIRE_ENDPOINT.id} true {"type":"invoice.paid"}`,
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
    const portal = section('Portal sessions');
    for (const option of KNOWN_PORTAL_OPTIONS) expect(portal, option).toContain(`\`${option}\``);
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

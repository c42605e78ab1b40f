import { createClient } from '@keyward/client';
import { generateWebhookKeyPair, verifyWebhook } from '@keyward/core';
import fc from 'fast-check';
import { MockAgent } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../io.js';
import { type WebhooksOptions, webhooksCommand } from './webhooks.js';

const KEY = 'cd'.repeat(32);
const ORIGIN = 'http://keyward.test';
const SECRET = `whsec_${Buffer.alloc(32, 5).toString('base64')}`;
const NEW_SECRET = `whsec_${Buffer.alloc(32, 6).toString('base64')}`;
const ENDPOINT = { id: 'whe_1', name: 'billing', tolerance_seconds: 300, created_at: '2030-01-01T00:00:00.000Z' };
const ME = { key_id: 'k', tenant_id: 'tenant 1', environment_id: 'dev', user_id: null, scopes: ['*'], name: 'n' };
const URL_OF_1 = `${ORIGIN}/v1/webhooks/tenant%201/dev/whe_1`;

let agent: MockAgent;
let out: string[];
let err: string[];
let stdin: Uint8Array;
let env: Record<string, string | undefined>;
const io: CliIo = {
  stdout: (t) => out.push(t),
  stderr: (t) => err.push(t),
  readStdin: async () => Buffer.from(stdin).toString('utf8'),
  readStdinBytes: async () => stdin,
  get env() {
    return env;
  },
};

beforeEach(() => {
  agent = new MockAgent();
  agent.disableNetConnect();
  out = [];
  err = [];
  stdin = new Uint8Array();
  env = {};
});
afterEach(async () => {
  await agent.close();
  agent.assertNoPendingInterceptors();
});

const client = () => createClient({ apiKey: KEY, baseUrl: ORIGIN, dispatcher: agent, retries: 0 });
const pool = () => agent.get(ORIGIN);
const run = (args: string[], options: WebhooksOptions = {}) => webhooksCommand(io, args, options, client());

describe('keyward webhooks create', () => {
  it('creates an endpoint, printing only the secret on stdout and the receiving URL on stderr', async () => {
    let sent: unknown;
    pool().intercept({ path: '/v1/me', method: 'GET' }).reply(200, ME);
    pool()
      .intercept({ path: '/v1/webhooks/endpoints', method: 'POST' })
      .reply(201, (opts) => {
        sent = JSON.parse(String(opts.body));
        return { ...ENDPOINT, secret: SECRET };
      });
    expect(await run(['create'], { name: 'billing' })).toBe(0);
    expect(sent).toEqual({ name: 'billing' });
    expect(out.join('')).toBe(`${SECRET}\n`);
    expect(err.join('')).toBe(
      `whe_1  billing  tolerance 300s  created 2030-01-01T00:00:00.000Z  ${URL_OF_1}\n` +
        'Give the secret to the sender now: it is shown once.\n',
    );
  });

  it('with --json prints the endpoint, its secret and URL', async () => {
    pool().intercept({ path: '/v1/me', method: 'GET' }).reply(200, ME);
    pool()
      .intercept({ path: '/v1/webhooks/endpoints', method: 'POST' })
      .reply(201, { ...ENDPOINT, name: null, secret: SECRET });
    expect(await run(['create'], { json: true })).toBe(0);
    expect(JSON.parse(out.join(''))).toEqual({
      id: 'whe_1',
      name: null,
      tolerance_seconds: 300,
      created_at: ENDPOINT.created_at,
      secret: SECRET,
      url: URL_OF_1,
    });
    expect(err.join('')).not.toContain(SECRET);
  });

  it('creates nothing when the key cannot even be read back', async () => {
    pool()
      .intercept({ path: '/v1/me', method: 'GET' })
      .reply(401, { error: { code: 'invalid_api_key', message: 'Invalid API key' } });
    await expect(run(['create'])).rejects.toMatchObject({ code: 'invalid_api_key' });
    expect(out).toEqual([]);
  });
});

describe('keyward webhooks list, delete, rotate-secret, deliveries', () => {
  it('lists endpoints as a table with a header row and their receiving URLs, never a secret', async () => {
    pool().intercept({ path: '/v1/me', method: 'GET' }).reply(200, ME);
    pool()
      .intercept({ path: '/v1/webhooks/endpoints', method: 'GET' })
      .reply(200, { items: [ENDPOINT, { ...ENDPOINT, id: 'whe_2', name: null }] });
    expect(await run(['list'])).toBe(0);
    expect(out.join('')).toBe(
      'ID     NAME       TOLERANCE  CREATED               URL\n' +
        `whe_1  billing    300s       2030-01-01 00:00 UTC  ${URL_OF_1}\n` +
        `whe_2  (no name)  300s       2030-01-01 00:00 UTC  ${ORIGIN}/v1/webhooks/tenant%201/dev/whe_2\n` +
        '2 endpoints\n',
    );
  });

  it('deletes an endpoint', async () => {
    pool().intercept({ path: '/v1/webhooks/endpoints/whe_1', method: 'DELETE' }).reply(204, '');
    expect(await run(['delete', 'whe_1'], { yes: true })).toBe(0);
    expect(out.join('')).toBe('deleted whe_1\n');
  });

  it('rotates the secret with a grace period, printing only the new secret on stdout', async () => {
    let sent: unknown;
    pool()
      .intercept({ path: '/v1/webhooks/endpoints/whe_1/rotate-secret', method: 'POST' })
      .reply(201, (opts) => {
        sent = JSON.parse(String(opts.body));
        return { ...ENDPOINT, secret: NEW_SECRET };
      });
    expect(await run(['rotate-secret', 'whe_1'], { grace: '1h' })).toBe(0);
    expect(sent).toEqual({ grace_period_seconds: 3600 });
    expect(out.join('')).toBe(`${NEW_SECRET}\n`);
    expect(err.join('')).toContain('The old secret keeps verifying for 3600 s more.');
    expect(err.join('')).not.toContain(NEW_SECRET);
  });

  it('rotates with the server grace period without --grace, and ends the old secret at once with --grace 0', async () => {
    const bodies: unknown[] = [];
    pool()
      .intercept({ path: '/v1/webhooks/endpoints/whe_1/rotate-secret', method: 'POST' })
      .reply(201, (opts) => {
        bodies.push(JSON.parse(String(opts.body)));
        return { ...ENDPOINT, secret: NEW_SECRET };
      })
      .times(2);
    await run(['rotate-secret', 'whe_1']);
    await run(['rotate-secret', 'whe_1'], { grace: '0' });
    expect(bodies).toEqual([{}, { grace_period_seconds: 0 }]);
    expect(err.join('')).toContain("for the server's grace period (a day by default)");
  });

  it('lists deliveries as a table with a header row, with paging', async () => {
    pool()
      .intercept({ path: '/v1/webhooks/endpoints/whe_1/deliveries?limit=2&offset=1', method: 'GET' })
      .reply(200, {
        items: [
          {
            webhook_id: 'msg_2',
            endpoint_id: 'whe_1',
            event_type: 'invoice.paid',
            received_at: '2030-01-02T00:00:00.000Z',
            size: 42,
          },
          {
            webhook_id: 'msg_1',
            endpoint_id: 'whe_1',
            event_type: null,
            received_at: '2030-01-01T00:00:00.000Z',
            size: 0,
          },
        ],
        pagination: { total: 3, limit: 2, offset: 1 },
      });
    expect(await run(['deliveries', 'whe_1'], { limit: '2', offset: '1' })).toBe(0);
    expect(out.join('')).toBe(
      'RECEIVED                  WEBHOOK ID  EVENT         SIZE\n' +
        '2030-01-02T00:00:00.000Z  msg_2       invoice.paid  42 bytes\n' +
        '2030-01-01T00:00:00.000Z  msg_1       (no type)     0 bytes\n' +
        '2 of 3 (from 1)\n',
    );
  });

  it.each([
    [['list', 'x'], {}, 'keyward webhooks list: takes no arguments'],
    [['create', 'billing'], {}, 'keyward webhooks create: takes no arguments; name the endpoint with --name'],
    [['delete'], {}, 'keyward webhooks delete: takes one endpoint id'],
    [['rotate-secret', 'a', 'b'], {}, 'keyward webhooks rotate-secret: takes one endpoint id'],
    [['rotate-secret', 'whe_1'], { grace: '1 day' }, 'keyward webhooks rotate-secret: --grace must be a duration'],
    [
      ['rotate-secret', 'whe_1'],
      { gracePeriodSeconds: '60' },
      'keyward webhooks rotate-secret: --grace-period-seconds is not an option of this command',
    ],
    [['deliveries', 'whe_1'], { limit: 'ten' }, 'keyward webhooks deliveries: --limit must be a whole number'],
    [['delete', 'whe_1'], { name: 'x' }, 'keyward webhooks delete: --name is not an option of this command'],
    [['list'], { secretEnv: 'S' }, 'keyward webhooks list: --secret-env is not an option of this command'],
    [['explode'], {}, 'keyward webhooks: unknown command: explode'],
  ])('refuses %j %j before any request', async (args, options, message) => {
    await expect(run(args, options as WebhooksOptions)).rejects.toThrow(message);
    expect(out).toEqual([]);
  });

  it('refuses a secret given as an endpoint id, without sending or printing it', async () => {
    for (const action of ['delete', 'rotate-secret', 'deliveries']) {
      await expect(run([action, SECRET], action === 'delete' ? { yes: true } : {})).rejects.toThrow(TypeError);
    }
    expect(out.join('') + err.join('')).not.toContain(SECRET.slice(6));
  });
});

describe('keyward webhooks sign', () => {
  const body = '{"type":"invoice.paid","data":{"id":"inv_1"}}\n';

  function headersOf(text: string): Record<string, string> {
    return Object.fromEntries(
      text
        .trim()
        .split('\n')
        .map((line) => line.split(': ') as [string, string]),
    );
  }

  it('prints the three headers for the exact bytes on stdin, signed with the secret from the environment', async () => {
    env = { WEBHOOK_SECRET: SECRET };
    stdin = Buffer.from(body);
    expect(await run(['sign'], { secretEnv: 'WEBHOOK_SECRET', id: 'msg_1' })).toBe(0);
    const headers = headersOf(out.join(''));
    expect(Object.keys(headers)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(headers['webhook-id']).toBe('msg_1');
    expect(verifyWebhook({ headers, payload: body, secrets: [SECRET] })).toMatchObject({ ok: true, id: 'msg_1' });
    expect(verifyWebhook({ headers, payload: body.trim(), secrets: [SECRET] }).ok).toBe(false);
    expect(out.join('') + err.join('')).not.toContain(SECRET);
  });

  it('signs bytes that are not UTF-8 as they are', async () => {
    env = { S: SECRET };
    stdin = new Uint8Array([0xff, 0xfe, 0x00, 0x7b]);
    expect(await run(['sign'], { secretEnv: 'S', id: 'msg_bin' })).toBe(0);
    const headers = headersOf(out.join(''));
    expect(verifyWebhook({ headers, payload: stdin, secrets: [SECRET] }).ok).toBe(true);
  });

  it('signs with an ed25519 whsk_ key too (v1a), and prints JSON with --json', async () => {
    const { secretKey, publicKey } = generateWebhookKeyPair();
    env = { SK: secretKey };
    stdin = Buffer.from(body);
    expect(await run(['sign'], { secretEnv: 'SK', id: 'msg_2', json: true })).toBe(0);
    const headers = JSON.parse(out.join('')) as Record<string, string>;
    expect(headers['webhook-signature']).toMatch(/^v1a,/);
    expect(verifyWebhook({ headers, payload: body, secrets: [publicKey] }).ok).toBe(true);
  });

  it('reads the body as text when the io has no byte reader', async () => {
    env = { S: SECRET };
    stdin = Buffer.from(body);
    const textIo: CliIo = { ...io, env, readStdinBytes: undefined };
    expect(await webhooksCommand(textIo, ['sign'], { secretEnv: 'S', id: 'msg_3' })).toBe(0);
    expect(verifyWebhook({ headers: headersOf(out.join('')), payload: body, secrets: [SECRET] }).ok).toBe(true);
  });

  it.each([
    [[], {}, 'keyward webhooks sign: --secret-env is required'],
    [[], { secretEnv: 'S' }, 'keyward webhooks sign: --id is required (the webhook-id, such as msg_1)'],
    [[], { secretEnv: '1BAD', id: 'm' }, 'keyward webhooks sign: --secret-env must name an environment variable'],
    [[], { secretEnv: 'S', id: 'msg.1' }, 'keyward webhooks sign: --id must be 1 to 256 printable characters'],
    [
      [],
      { secretEnv: 'S', id: 'm', baseUrl: 'http://x' },
      'keyward webhooks sign: --base-url is not an option of this command',
    ],
  ])('refuses %j %j as a usage error, before reading the body', async (args, options, message) => {
    env = { S: SECRET };
    let read = false;
    const watched: CliIo = {
      ...io,
      env,
      readStdinBytes: async () => {
        read = true;
        return stdin;
      },
    };
    await expect(webhooksCommand(watched, ['sign', ...args], options as WebhooksOptions)).rejects.toThrow(message);
    expect(read).toBe(false);
  });

  const anySecret = fc
    .uint8Array({ minLength: 24, maxLength: 64 })
    .map((bytes) => `wh${bytes[0]! % 2 ? 'sec' : 'sk'}_${Buffer.from(bytes).toString('base64')}`);

  it('never takes the secret from an argument, and never echoes one typed there', async () => {
    await fc.assert(
      fc.asyncProperty(anySecret, async (secret) => {
        env = {};
        const refused = [
          webhooksCommand(io, ['sign', secret], { secretEnv: 'S', id: 'm' }),
          webhooksCommand(io, ['sign'], { secretEnv: secret, id: 'm' }),
        ];
        for (const attempt of refused) {
          const error = (await attempt.catch((e: unknown) => e)) as Error;
          expect(error.name).toBe('UsageError');
          expect(error.message).not.toContain(secret.slice(6, 20));
        }
      }),
      { numRuns: 20 },
    );
    const named = (await webhooksCommand(io, ['sign'], { secretEnv: SECRET, id: 'm' }).catch((e: Error) => e)) as Error;
    expect(named.message).toBe(
      'keyward webhooks sign: --secret-env takes the name of an environment variable, not the secret; ' +
        'the secret is now in your shell history: rotate it',
    );
  });

  it('fails with exit 1, naming the variable, when it is unset or holds no usable secret', async () => {
    env = { EMPTY: '', BAD: 'sk_live_not_a_webhook_secret' };
    expect(await run(['sign'], { secretEnv: 'UNSET', id: 'm' })).toBe(1);
    expect(await run(['sign'], { secretEnv: 'EMPTY', id: 'm' })).toBe(1);
    expect(await run(['sign'], { secretEnv: 'BAD', id: 'm' })).toBe(1);
    expect(err.join('')).toBe(
      'keyward webhooks sign: the environment variable UNSET is not set\n' +
        'keyward webhooks sign: the environment variable EMPTY is not set\n' +
        'keyward webhooks sign: BAD does not hold a usable secret: secret must be a whsec_ secret or a whsk_ key\n',
    );
    expect(out).toEqual([]);
    expect(err.join('')).not.toContain('sk_live');
  });
});

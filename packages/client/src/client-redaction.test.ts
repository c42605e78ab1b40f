import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { errorBody, JSON_HEADERS, ORIGIN, setup, setupPortal } from '../test/helpers.js';
import type { DebugEvent } from './client-options.js';
import { isKeywardError } from './errors.js';

// The key, and the portal client's session token, must never be printable from a client or its
// errors: not by util.inspect (what console.log and most loggers use), not by JSON.stringify, not
// in a message or stack.

const hexKey = fc.stringMatching(/^[0-9a-f]{64}$/);
const sessionToken = fc.stringMatching(/^kws_[A-Za-z0-9_-]{43}$/);
const webhookSecret = fc
  .uint8Array({ minLength: 24, maxLength: 64 })
  .map((bytes) => `whsec_${Buffer.from(bytes).toString('base64')}`);
const RUNS = { numRuns: 15 };

let agents: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const agent of agents) await agent.close();
  agents = [];
});

function everyRendering(value: unknown): string[] {
  const err = value as Error;
  return [
    inspect(value, { depth: 20, showHidden: true }),
    JSON.stringify(value) ?? '',
    String(err?.message ?? ''),
    String(err?.stack ?? ''),
    inspect((value as { cause?: unknown })?.cause, { depth: 20, showHidden: true }),
  ];
}

async function caught(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

describe('redaction', () => {
  it('the client never shows its key, only ***', () => {
    fc.assert(
      fc.property(hexKey, (key) => {
        const { client, agent } = setup({ apiKey: key });
        agents.push(agent);
        for (const text of [inspect(client, { depth: 20, showHidden: true }), JSON.stringify(client), String(client)]) {
          expect(text).not.toContain(key);
        }
        expect(inspect(client)).toContain('***');
        expect(JSON.parse(JSON.stringify(client)).apiKey).toBe('***');
      }),
      RUNS,
    );
  });

  it('a provider function is not shown either', () => {
    const { client, agent } = setup({ apiKey: () => 'f'.repeat(64) });
    agents.push(agent);
    expect(inspect(client, { depth: 20, showHidden: true })).not.toContain('f'.repeat(64));
  });

  it('errors never carry the key, even when the server or the transport echoes it', async () => {
    await fc.assert(
      fc.asyncProperty(hexKey, async (key) => {
        const { client, agent, pool, reply } = setup({ apiKey: key, retries: 0 });
        agents.push(agent);
        // A server that wrongly echoes the key in its message.
        reply('GET', '/echo', 401, errorBody('invalid_api_key', `bad key ${key}`));
        // A transport error quoting the key.
        pool.intercept({ method: 'GET', path: '/net' }).replyWithError(new Error(`socket closed after sending ${key}`));
        // The mock refusing on a header mismatch quotes the request headers.
        pool.intercept({ method: 'GET', path: '/hdr', headers: { 'x-api-key': 'no' } }).reply(200, {});
        // A key in the query string, where it never belongs.
        reply('GET', `/q?k=${key}`, 500, 'nope', {});

        const errors = [
          await caught(client.request({ method: 'GET', path: '/echo' })),
          await caught(client.request({ method: 'GET', path: '/net' })),
          await caught(client.request({ method: 'GET', path: '/hdr' })),
          await caught(client.request({ method: 'GET', path: '/q', query: { k: key } })),
        ];
        for (const err of errors) {
          expect(isKeywardError(err)).toBe(true);
          for (const text of everyRendering(err)) expect(text).not.toContain(key);
        }
        expect((errors[0] as Error).message).toBe('bad key ***');
        expect((errors[3] as { request: { url: string } }).request.url).toBe(`${ORIGIN}/q?k=***`);
      }),
      RUNS,
    );
  });

  it('a failing provider does not leak through its error', async () => {
    const key = 'a'.repeat(64);
    const { client, agent } = setup({
      apiKey: () => {
        throw new Error(`vault returned ${key} in a bad shape`);
      },
    });
    agents.push(agent);
    const err = await caught(client.me());
    for (const text of everyRendering(err)) expect(text).not.toContain(key);
  });

  it('a debug hook that throws does not fail the request', async () => {
    const { client, agent, reply } = setup({
      debug: () => {
        throw new Error('logger down');
      },
    });
    agents.push(agent);
    reply('GET', '/x', 200, { ok: true });
    await expect(client.request({ method: 'GET', path: '/x' })).resolves.toEqual({ ok: true });
  });

  it('debug events show *** in place of the key', async () => {
    await fc.assert(
      fc.asyncProperty(hexKey, async (key) => {
        const events: DebugEvent[] = [];
        const { client, agent, reply } = setup({ apiKey: key, debug: (e) => events.push(e) });
        agents.push(agent);
        reply('GET', '/x', 503, errorBody('auth_unavailable'), JSON_HEADERS);
        reply('GET', '/x', 200, {});
        await client.request({ method: 'GET', path: '/x' });
        expect(events.map((e) => e.type)).toEqual(['request', 'response', 'retry', 'request', 'response']);
        expect(events[0]).toMatchObject({ type: 'request', headers: { 'x-api-key': '***' } });
        expect(JSON.stringify(events)).not.toContain(key);
      }),
      RUNS,
    );
  });

  it('the portal client never shows its token, only ***', () => {
    fc.assert(
      fc.property(sessionToken, (token) => {
        const { portal, agent } = setupPortal({ token });
        agents.push(agent);
        for (const text of [inspect(portal, { depth: 20, showHidden: true }), JSON.stringify(portal), String(portal)]) {
          expect(text).not.toContain(token);
        }
        expect(JSON.parse(JSON.stringify(portal)).token).toBe('***');
      }),
      RUNS,
    );
    const { portal, agent } = setupPortal({ token: () => `kws_${'p'.repeat(43)}` });
    agents.push(agent);
    expect(inspect(portal, { depth: 20, showHidden: true })).not.toContain('p'.repeat(43));
  });

  it('portal client errors never carry the token, even when the server or the transport echoes it', async () => {
    await fc.assert(
      fc.asyncProperty(sessionToken, async (token) => {
        const { portal, agent, pool, reply } = setupPortal({ token, retries: 0 });
        agents.push(agent);
        reply('GET', '/v1/portal/me', 401, errorBody('invalid_session_token', `bad token ${token}`));
        pool
          .intercept({ method: 'DELETE', path: '/v1/portal/sessions/current' })
          .replyWithError(new Error(`socket closed after sending ${token}`));
        pool.intercept({ method: 'GET', path: '/hdr', headers: { 'x-session-token': 'no' } }).reply(200, {});
        reply('GET', `/q?t=${token}`, 500, 'nope', {});

        const errors = [
          await caught(portal.me()),
          await caught(portal.logout()),
          await caught(portal.request({ method: 'GET', path: '/hdr' })),
          await caught(portal.request({ method: 'GET', path: '/q', query: { t: token } })),
        ];
        for (const err of errors) {
          expect(isKeywardError(err)).toBe(true);
          for (const text of everyRendering(err)) expect(text).not.toContain(token);
        }
        expect((errors[0] as Error).message).toBe('bad token ***');
        expect((errors[3] as { request: { url: string } }).request.url).toBe(`${ORIGIN}/q?t=***`);
      }),
      RUNS,
    );
  });

  it('a server message echoing any session token or webhook secret is scrubbed, whichever client got it', async () => {
    await fc.assert(
      fc.asyncProperty(sessionToken, webhookSecret, async (token, secret) => {
        const { client, agent, reply } = setup({ retries: 0 });
        agents.push(agent);
        reply('POST', '/v1/portal/sessions', 409, errorBody('conflict', `taken: ${secret} for ${token}`));
        const err = await caught(client.portal.createSession({ customerId: 'c' }));
        for (const text of everyRendering(err)) {
          expect(text).not.toContain(token);
          expect(text).not.toContain(secret);
        }
        expect((err as Error).message).toBe('taken: *** for ***');
      }),
      RUNS,
    );
  });

  it('an Idempotency-Key, which opens the stored answer of a create, is *** in debug events', async () => {
    const events: DebugEvent[] = [];
    const { client, agent, reply } = setup({ debug: (e) => events.push(e) });
    agents.push(agent);
    const idempotencyKey = `idem-${'q'.repeat(40)}`;
    reply('POST', '/v1/secrets/api/keys', 201, { api_key: 'c'.repeat(64), secret: { id: 'key_1' } });
    await client.keys.create({ name: 'x' }, { idempotencyKey });
    const request = events.find((e) => e.type === 'request') as { headers: Record<string, string> };
    expect(request.headers['idempotency-key']).toBe('***');
    expect(JSON.stringify(events)).not.toContain(idempotencyKey);
  });

  it('a secret shown once is in the result, never in a debug event', async () => {
    await fc.assert(
      fc.asyncProperty(webhookSecret, sessionToken, async (secret, token) => {
        const events: DebugEvent[] = [];
        const { client, agent, reply } = setup({ debug: (e) => events.push(e) });
        agents.push(agent);
        reply('POST', '/v1/webhooks/endpoints', 201, {
          id: 'whe_1',
          name: null,
          tolerance_seconds: 300,
          created_at: '2030-01-01T00:00:00.000Z',
          secret,
        });
        reply('POST', '/v1/portal/sessions', 201, {
          token,
          session_id: 'ses_1',
          expires_at: '2030-01-01T00:00:00.000Z',
        });
        expect((await client.webhooks.createEndpoint()).secret).toBe(secret);
        expect((await client.portal.createSession({ customerId: 'c' })).token).toBe(token);
        expect(events.map((e) => e.type)).toEqual(['request', 'response', 'request', 'response']);
        expect(JSON.stringify(events)).not.toContain(secret);
        expect(JSON.stringify(events)).not.toContain(token);
      }),
      RUNS,
    );
  });

  it('debug events of the portal client show *** in place of the token', async () => {
    await fc.assert(
      fc.asyncProperty(sessionToken, async (token) => {
        const events: DebugEvent[] = [];
        const { portal, agent, reply } = setupPortal({ token, debug: (e) => events.push(e) });
        agents.push(agent);
        reply('GET', '/v1/portal/me', 503, errorBody('auth_unavailable'), JSON_HEADERS);
        reply('GET', '/v1/portal/me', 200, {
          session_id: 's',
          customer_id: 'c',
          tenant_id: 't',
          environment_id: 'e',
          expires_at: '2030-01-01T00:00:00.000Z',
        });
        await portal.me();
        expect(events.map((e) => e.type)).toEqual(['request', 'response', 'retry', 'request', 'response']);
        expect(events[0]).toMatchObject({ type: 'request', headers: { 'x-session-token': '***' } });
        expect(events[0]).not.toHaveProperty('headers.x-api-key');
        expect(JSON.stringify(events)).not.toContain(token);
      }),
      RUNS,
    );
  });
});

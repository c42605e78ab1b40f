import { describe, expect, it } from 'vitest';
import { errorBody, failure, JSON_HEADERS, setup, trackAgents } from '../test/helpers.js';

// Retries are tested with the sleep recorded instead of waited and the jitter fixed at 0.5, so
// with the default base of 250 ms the waits are 125, 250, 500 ... and nothing runs in real time.

const track = trackAgents();

const OK = { ok: true };
const unavailable = errorBody('auth_unavailable', 'Authentication is temporarily unavailable');

describe('which requests are retried', () => {
  it.each([429, 502, 503, 504])(
    'a GET answered %i is retried with exponential backoff until it succeeds',
    async (status) => {
      const { client, reply, seen, sleeps } = track(setup());
      reply('GET', '/x', status, errorBody('too_many_requests'), JSON_HEADERS, 2);
      reply('GET', '/x', 200, OK);
      await expect(client.request({ method: 'GET', path: '/x' })).resolves.toEqual(OK);
      expect(seen).toHaveLength(3);
      expect(sleeps).toEqual([125, 250]);
    },
  );

  it('gives up after `retries` retries with the last error', async () => {
    const { client, reply, seen, sleeps } = track(setup({ retries: 3 }));
    reply('GET', '/x', 503, unavailable, JSON_HEADERS, 4);
    const err = await failure(client.request({ method: 'GET', path: '/x' }));
    expect(err.code).toBe('auth_unavailable');
    expect(err.status).toBe(503);
    expect(seen).toHaveLength(4);
    expect(sleeps).toEqual([125, 250, 500]);
  });

  it('retries: 0 sends once', async () => {
    const { client, reply, seen } = track(setup({ retries: 0 }));
    reply('GET', '/x', 503, unavailable);
    expect((await failure(client.request({ method: 'GET', path: '/x' }))).code).toBe('auth_unavailable');
    expect(seen).toHaveLength(1);
  });

  it.each(['HEAD', 'OPTIONS', 'PUT', 'DELETE'])('%s is retried', async (method) => {
    const { client, reply, seen } = track(setup());
    reply(method, '/x', 503, unavailable);
    reply(method, '/x', 204, undefined, {});
    await client.request({ method, path: '/x' });
    expect(seen).toHaveLength(2);
  });

  it.each([400, 401, 403, 404, 409, 500])('a %i is never retried', async (status) => {
    const { client, reply, seen } = track(setup());
    reply('GET', '/x', status, errorBody('validation_error'));
    await failure(client.request({ method: 'GET', path: '/x' }));
    expect(seen).toHaveLength(1);
  });

  it.each(['POST', 'PATCH'])('a %s is not retried unless marked idempotent', async (method) => {
    const { client, reply, seen } = track(setup());
    reply(method, '/x', 503, unavailable);
    expect((await failure(client.request({ method, path: '/x', body: {} }))).code).toBe('auth_unavailable');
    expect(seen).toHaveLength(1);

    reply(method, '/x', 503, unavailable);
    reply(method, '/x', 200, OK);
    await expect(client.request({ method, path: '/x', body: {}, idempotent: true })).resolves.toEqual(OK);
    expect(seen).toHaveLength(3);
  });

  it('keys.create and keys.rotate are retried with one Idempotency-Key, the same on every attempt', async () => {
    const { client, pool, reply, seen } = track(setup());
    const created = { api_key: 'c'.repeat(64), secret: { id: 'key_1' } };
    reply('POST', '/v1/secrets/api/keys', 503, unavailable);
    pool.intercept({ method: 'POST', path: '/v1/secrets/api/keys' }).replyWithError(new Error('ECONNRESET'));
    reply('POST', '/v1/secrets/api/keys', 201, created);
    await expect(client.keys.create({ name: 'x' })).resolves.toMatchObject({ key: 'c'.repeat(64) });
    reply('POST', '/v1/secrets/api/keys/k1/rotate', 503, unavailable);
    reply('POST', '/v1/secrets/api/keys/k1/rotate', 201, created);
    await client.keys.rotate('k1');
    const keys = seen.map((s) => s.headers['idempotency-key']);
    // The attempt cut by the connection error is not seen by the mock.
    expect(keys).toHaveLength(4);
    expect(keys[0]).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[3]).toBe(keys[2]);
    expect(keys[2]).not.toBe(keys[0]);

    // A refusal is final: 422 idempotency_key_reused is not retried.
    reply('POST', '/v1/secrets/api/keys', 422, errorBody('idempotency_key_reused'));
    expect((await failure(client.keys.create({ name: 'x' }))).code).toBe('idempotency_key_reused');
    expect(seen).toHaveLength(5);
  });

  it('a connection error is retried for a GET, not for a POST', async () => {
    const { client, pool, reply, seen } = track(setup());
    pool.intercept({ method: 'GET', path: '/x' }).replyWithError(new Error('ECONNRESET'));
    reply('GET', '/x', 200, OK);
    await expect(client.request({ method: 'GET', path: '/x' })).resolves.toEqual(OK);
    expect(seen).toHaveLength(1);

    pool.intercept({ method: 'POST', path: '/x' }).replyWithError(new Error('ECONNRESET'));
    expect((await failure(client.request({ method: 'POST', path: '/x' }))).code).toBe('network_error');
  });

  it('a timeout is retried for a GET', async () => {
    const { client, pool, reply } = track(setup({ timeoutMs: 20 }));
    pool.intercept({ method: 'GET', path: '/x' }).reply(200, OK).delay(60_000);
    reply('GET', '/x', 200, OK);
    await expect(client.request({ method: 'GET', path: '/x' })).resolves.toEqual(OK);
  });

  it('a 502 from a proxy with an HTML body is retried, and ends as invalid_response with the status', async () => {
    const { client, reply, seen } = track(setup({ retries: 1 }));
    reply('GET', '/x', 502, '<html>Bad Gateway</html>', { 'content-type': 'text/html' }, 2);
    const err = await failure(client.request({ method: 'GET', path: '/x' }));
    expect(err.code).toBe('invalid_response');
    expect(err.status).toBe(502);
    expect(seen).toHaveLength(2);
  });
});

describe('Retry-After', () => {
  it('delay-seconds replace the computed backoff', async () => {
    const { client, reply, sleeps } = track(setup());
    reply('GET', '/x', 429, errorBody('too_many_requests'), { ...JSON_HEADERS, 'retry-after': '3' });
    reply('GET', '/x', 200, OK);
    await client.request({ method: 'GET', path: '/x' });
    expect(sleeps).toEqual([3000]);
  });

  it('an HTTP date is read against the clock', async () => {
    const now = Date.parse('2030-01-01T00:00:00.000Z');
    const { client, reply, sleeps } = track(setup({ backoff: { now: () => now } }));
    reply('GET', '/x', 503, unavailable, { ...JSON_HEADERS, 'retry-after': 'Tue, 01 Jan 2030 00:00:07 GMT' });
    reply('GET', '/x', 200, OK);
    await client.request({ method: 'GET', path: '/x' });
    expect(sleeps).toEqual([7000]);
  });

  it('a wait beyond maxRetryAfterMs is not retried; the error tells how long the server asked', async () => {
    const { client, reply, seen, sleeps } = track(setup({ backoff: { maxRetryAfterMs: 10_000 } }));
    reply('GET', '/x', 429, errorBody('too_many_requests'), { ...JSON_HEADERS, 'retry-after': '11' });
    const err = await failure(client.request({ method: 'GET', path: '/x' }));
    expect(err.code).toBe('too_many_requests');
    expect(err.retryAfterMs).toBe(11_000);
    expect(seen).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('a wait exactly at the cap is honoured', async () => {
    const { client, reply, sleeps } = track(setup({ backoff: { maxRetryAfterMs: 10_000 } }));
    reply('GET', '/x', 429, errorBody('too_many_requests'), { ...JSON_HEADERS, 'retry-after': '10' });
    reply('GET', '/x', 200, OK);
    await client.request({ method: 'GET', path: '/x' });
    expect(sleeps).toEqual([10_000]);
  });

  it('an unreadable Retry-After falls back to the computed backoff', async () => {
    const { client, reply, sleeps } = track(setup());
    reply('GET', '/x', 503, unavailable, { ...JSON_HEADERS, 'retry-after': 'later' });
    reply('GET', '/x', 200, OK);
    await client.request({ method: 'GET', path: '/x' });
    expect(sleeps).toEqual([125]);
  });

  it('the computed backoff stops growing at maxDelayMs', async () => {
    const { client, reply, sleeps } = track(
      setup({ retries: 4, backoff: { baseDelayMs: 100, maxDelayMs: 300, random: () => 0.999 } }),
    );
    reply('GET', '/x', 503, unavailable, JSON_HEADERS, 4);
    reply('GET', '/x', 200, OK);
    await client.request({ method: 'GET', path: '/x' });
    expect(sleeps).toEqual([99, 199, 299, 299]);
  });
});

describe('aborting between attempts', () => {
  it('stops retrying once the caller aborts', async () => {
    const controller = new AbortController();
    const { client, reply, seen } = track(
      setup({
        backoff: {
          sleep: async () => {
            controller.abort();
          },
        },
      }),
    );
    reply('GET', '/x', 503, unavailable);
    const err = await failure(client.request({ method: 'GET', path: '/x', signal: controller.signal }));
    expect(err.code).toBe('aborted');
    expect(seen).toHaveLength(1);
  });
});

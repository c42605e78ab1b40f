import { inspect } from 'node:util';
import { ERROR_CODES, generateSessionToken } from '@keyward/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CAMEL_PORTAL_SESSION,
  errorBody,
  failure,
  JSON_HEADERS,
  KEY,
  ORIGIN,
  setupPortal,
  TOKEN,
  trackAgents,
  WIRE_PORTAL_SESSION,
} from '../test/helpers.js';
import { createPortalClient, PortalClient } from './portal-client.js';

const track = trackAgents();
afterEach(() => {
  vi.unstubAllEnvs();
});

function typeErrorOf(options: unknown): TypeError {
  try {
    createPortalClient(options as never);
  } catch (err) {
    if (err instanceof TypeError) return err;
    throw err;
  }
  throw new Error('createPortalClient accepted the options');
}

describe('createPortalClient', () => {
  it('sends the token in X-Session-Token, never an X-API-Key, with Accept and the User-Agent', async () => {
    vi.stubEnv('KEYWARD_API_KEY', KEY);
    const { portal, reply, seen } = track(setupPortal());
    reply('GET', '/v1/portal/me', 200, WIRE_PORTAL_SESSION);
    await portal.me();
    expect(seen[0]!.headers['x-session-token']).toBe(TOKEN);
    expect(seen[0]!.headers).not.toHaveProperty('x-api-key');
    expect(seen[0]!.headers).not.toHaveProperty('x-environment-id');
    expect(seen[0]!.headers.accept).toBe('application/json');
    expect(seen[0]!.headers['user-agent']).toMatch(/^keyward-client\/\S+ node\//);
  });

  it('me() camelCases the session', async () => {
    const { portal, reply } = track(setupPortal());
    reply('GET', '/v1/portal/me', 200, WIRE_PORTAL_SESSION);
    await expect(portal.me()).resolves.toEqual(CAMEL_PORTAL_SESSION);
  });

  it('logout() deletes the current session and answers undefined', async () => {
    const { portal, reply, seen } = track(setupPortal());
    reply('DELETE', '/v1/portal/sessions/current', 204, undefined, {});
    await expect(portal.logout()).resolves.toBeUndefined();
    expect(seen[0]!.headers['x-session-token']).toBe(TOKEN);
    expect(seen[0]!.body).toBeUndefined();
  });

  it('request() reaches other routes with the token, as KeywardClient.request does with the key', async () => {
    const { portal, reply, seen } = track(setupPortal());
    reply('POST', '/v1/portal/invoices?status=open', 200, { invoice_count: 2 });
    await expect(
      portal.request({ method: 'POST', path: '/v1/portal/invoices', query: { status: 'open' }, body: { pageSize: 5 } }),
    ).resolves.toEqual({ invoiceCount: 2 });
    expect(JSON.parse(seen[0]!.body!)).toEqual({ page_size: 5 });
    expect(seen[0]!.headers['x-session-token']).toBe(TOKEN);
  });

  it('a body of the wrong shape for me() is invalid_response', async () => {
    const { portal, reply } = track(setupPortal());
    reply('GET', '/v1/portal/me', 200, { customer_id: 'cus_42' });
    expect((await failure(portal.me())).code).toBe('invalid_response');
  });

  it('retries logout like every DELETE, and never on 401', async () => {
    const { portal, reply, seen } = track(setupPortal());
    reply('DELETE', '/v1/portal/sessions/current', 503, errorBody('auth_unavailable'));
    reply('DELETE', '/v1/portal/sessions/current', 401, errorBody('invalid_session_token', 'Invalid session token'));
    const err = await failure(portal.logout());
    expect(err.code).toBe('invalid_session_token');
    expect(seen).toHaveLength(2);
  });

  it.each(['missing_session_token', 'invalid_session_token', 'expired_session_token'] as const)(
    'the server answering %s is a KeywardError with that code and status',
    async (code) => {
      const { portal, reply } = track(setupPortal());
      reply('GET', '/v1/portal/me', 401, errorBody(code, ERROR_CODES[code].message));
      const err = await failure(portal.me());
      expect(err.code).toBe(code);
      expect(err.status).toBe(401);
      expect(err.message).toBe(ERROR_CODES[code].message);
      expect(err.request).toEqual({ method: 'GET', url: `${ORIGIN}/v1/portal/me` });
    },
  );

  it('puts paths under a baseUrl path prefix, and defaults baseUrl to KEYWARD_BASE_URL', async () => {
    vi.stubEnv('KEYWARD_BASE_URL', 'https://portal.example.com/keyward/');
    expect(createPortalClient({ token: TOKEN }).baseUrl).toBe('https://portal.example.com/keyward');
    const { portal, pool } = track(setupPortal({ baseUrl: `${ORIGIN}/keyward` }));
    pool.intercept({ method: 'GET', path: '/keyward/v1/portal/me' }).reply(200, WIRE_PORTAL_SESSION);
    await expect(portal.me()).resolves.toEqual(CAMEL_PORTAL_SESSION);
  });

  it('is a PortalClient, and shows *** for its token', () => {
    const portal = createPortalClient({ token: TOKEN });
    expect(portal).toBeInstanceOf(PortalClient);
    expect(inspect(portal)).toBe(
      `PortalClient ${inspect({ baseUrl: ORIGIN, token: '***', timeoutMs: 30000, retries: 2, userAgent: portal.toJSON().userAgent })}`,
    );
  });

  it('close() releases its own Agent; calls afterwards are network_error', async () => {
    const portal = createPortalClient({ token: TOKEN, baseUrl: ORIGIN });
    await portal.close();
    expect((await failure(portal.me())).code).toBe('network_error');
  });
});

describe('the session token', () => {
  it('missing: missing_session_token at the first call, nothing sent; KEYWARD_API_KEY is never a fallback', async () => {
    vi.stubEnv('KEYWARD_API_KEY', KEY);
    const { portal, seen } = track(setupPortal({ token: undefined }));
    const err = await failure(portal.me());
    expect(err.code).toBe('missing_session_token');
    expect(err.status).toBe(0);
    expect(err.message).toBe('No session token: pass token to createPortalClient; no request was sent');
    expect(seen).toHaveLength(0);
  });

  it('an API key given as the token: invalid_session_token, nothing sent, the key not quoted', async () => {
    const { portal, seen } = track(setupPortal({ token: KEY }));
    const err = await failure(portal.me());
    expect(err.code).toBe('invalid_session_token');
    expect(err.status).toBe(0);
    expect(err.message).toBe(
      'The token is an API key, not a session token; send keys with createClient({ apiKey }); no request was sent',
    );
    expect(JSON.stringify(err)).not.toContain(KEY);
    expect(seen).toHaveLength(0);
  });

  it.each(['short', `${TOKEN}x`, ` ${TOKEN}`, TOKEN.replace('kws_', 'kwx_')])(
    'not a session token (%j): invalid_session_token, nothing sent',
    async (token) => {
      const { portal, seen } = track(setupPortal({ token }));
      const err = await failure(portal.me());
      expect(err.code).toBe('invalid_session_token');
      expect(err.message).toBe('The token is not a keyward session token (kws_…); no request was sent');
      expect(seen).toHaveLength(0);
    },
  );

  it('a provider is asked on every call, so a renewed token is used from the next call', async () => {
    const tokens = [generateSessionToken(), generateSessionToken()];
    let calls = 0;
    const { portal, reply, seen } = track(setupPortal({ token: async () => tokens[Math.min(calls++, 1)]! }));
    reply('GET', '/v1/portal/me', 200, WIRE_PORTAL_SESSION, JSON_HEADERS, 2);
    await portal.me();
    await portal.me();
    expect(seen.map((s) => s.headers['x-session-token'])).toEqual(tokens);
  });

  it('a provider that throws: missing_session_token with the redacted cause, nothing sent', async () => {
    const { portal, seen } = track(
      setupPortal({
        token: () => {
          throw new Error(`store returned ${TOKEN} late`);
        },
      }),
    );
    const err = await failure(portal.me());
    expect(err.code).toBe('missing_session_token');
    expect(err.message).toBe('The token function failed; no request was sent');
    expect((err.cause as Error).message).toBe('store returned *** late');
    expect(seen).toHaveLength(0);
  });
});

describe('createPortalClient options', () => {
  const PREFIX = '@keyward/client: createPortalClient:';

  it('refuses apiKey and environmentId: a portal client sends a session token and nothing else', () => {
    expect(typeErrorOf({ token: TOKEN, apiKey: KEY }).message).toMatch(
      new RegExp(`^${PREFIX} options\\.apiKey is not an option`),
    );
    expect(typeErrorOf({ token: TOKEN, environmentId: 'env' }).message).toMatch(
      new RegExp(`^${PREFIX} options\\.environmentId is not an option`),
    );
    expect(typeErrorOf({ token: TOKEN, apiKey: KEY }).message).not.toContain(KEY);
  });

  it('names a misspelt option, with the nearest known name', () => {
    expect(typeErrorOf({ tokn: TOKEN }).message).toBe(
      `${PREFIX} options.tokn is not an option (did you mean options.token?)`,
    );
  });

  it.each([
    [{ token: 42 }, 'options.token must be a string or a function returning one, got a number'],
    [{ token: TOKEN, timeoutMs: 0 }, 'options.timeoutMs must be a finite number > 0, got a number'],
    [{ token: TOKEN, retries: 11 }, 'options.retries must be an integer from 0 to 10, got a number'],
    [
      { token: TOKEN, backoff: { sleeps: 1 } },
      'options.backoff.sleeps is not an option (did you mean options.backoff.sleep?)',
    ],
    [
      { token: TOKEN, baseUrl: 'http://u:p@h' },
      'options.baseUrl must not contain credentials; the client sends the session token',
    ],
    [
      { token: TOKEN, dispatcher: {} },
      'options.dispatcher must be an undici Dispatcher (Agent, Pool, MockAgent), got an object',
    ],
    [{ token: TOKEN, debug: 'yes' }, 'options.debug must be a function, got a string'],
    [[], 'options must be an object, got an array'],
  ])('refuses %j, naming the option and never the value', (options, message) => {
    expect(typeErrorOf(options).message).toBe(`${PREFIX} ${message}`);
  });

  it('names KEYWARD_BASE_URL when the bad base URL came from there', () => {
    vi.stubEnv('KEYWARD_BASE_URL', 'ftp://h');
    expect(typeErrorOf({ token: TOKEN }).message).toBe(`${PREFIX} KEYWARD_BASE_URL must use http or https, got ftp:`);
  });
});

describe('PortalClient argument errors', () => {
  it.each([
    ['PortalClient.me: timeoutMs must be a number > 0', (p: PortalClient) => p.me({ timeoutMs: 0 })],
    ['PortalClient.logout: signal must be an AbortSignal', (p: PortalClient) => p.logout({ signal: {} as never })],
    ['PortalClient.request: input must be an object', (p: PortalClient) => p.request(null as never)],
    [
      'PortalClient.request: headers cannot set X-Session-Token; the client sends its own token',
      (p: PortalClient) => p.request({ method: 'GET', path: '/x', headers: { 'X-Session-Token': TOKEN } }),
    ],
    [
      'PortalClient.request: headers cannot set X-API-Key; a portal client never sends an API key',
      (p: PortalClient) => p.request({ method: 'GET', path: '/x', headers: { 'x-api-key': KEY } }),
    ],
    [
      'PortalClient.request: path must be relative to baseUrl; the session token is never sent to http://evil.example',
      (p: PortalClient) => p.request({ method: 'GET', path: 'http://evil.example/x' }),
    ],
  ])('@keyward/client: %s', async (message, call) => {
    const { portal, seen } = track(setupPortal());
    await expect(call(portal)).rejects.toThrow(new TypeError(`@keyward/client: ${message}`));
    expect(seen).toHaveLength(0);
  });
});

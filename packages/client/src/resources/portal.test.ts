import { describe, expect, it } from 'vitest';
import { CAMEL_PORTAL_SESSION, TOKEN } from '../../test/helpers.js';
import type { TransportRequest } from '../transport.js';
import { CurrentPortalSession, PortalSessions } from './portal.js';

// The resources alone, on a fake transport: what each call asks the transport for. What the
// transport then does with it (URL, headers, retries) is tested through the clients.

function fakeTransport(answer: unknown) {
  const sent: TransportRequest[] = [];
  const transport = {
    async send(request: TransportRequest): Promise<unknown> {
      sent.push(request);
      return answer;
    },
  };
  return { sessions: new PortalSessions(transport), current: new CurrentPortalSession(transport), sent };
}

/** A request with its shape check replaced by its name, so that requests compare with toEqual. */
function described({ isExpectedBody, ...rest }: TransportRequest) {
  return { ...rest, isExpectedBody: isExpectedBody === undefined ? undefined : 'a function' };
}

const CREATED = { token: TOKEN, sessionId: 'ses_1', expiresAt: '2030-01-01T01:00:00.000Z' };
const signal = new AbortController().signal;

describe('PortalSessions', () => {
  it('createSession is one POST, never marked idempotent, so the transport never mints two', async () => {
    const { sessions, sent } = fakeTransport(CREATED);
    await expect(
      sessions.createSession({ customerId: 'cus_42', ttlSeconds: 900 }, { signal, timeoutMs: 1000 }),
    ).resolves.toEqual(CREATED);
    expect(sent.map(described)).toEqual([
      {
        operation: 'portal.createSession',
        method: 'POST',
        path: '/v1/portal/sessions',
        body: { customerId: 'cus_42', ttlSeconds: 900 },
        isExpectedBody: 'a function',
        signal,
        timeoutMs: 1000,
      },
    ]);
    expect(sent[0]!.idempotent).toBeUndefined();
  });

  it('createSession hands back token, sessionId and expiresAt, and nothing else the server added', async () => {
    const { sessions } = fakeTransport({ ...CREATED, customerId: 'cus_42', extra: 1 });
    await expect(sessions.createSession({ customerId: 'cus_42' })).resolves.toEqual(CREATED);
  });

  it('createSession checks the body shape it expects', async () => {
    const { sessions, sent } = fakeTransport(CREATED);
    await sessions.createSession({ customerId: 'cus_42' });
    const check = sent[0]!.isExpectedBody!;
    expect(check(CREATED)).toBe(true);
    expect(check({ ...CREATED, token: undefined })).toBe(false);
    expect(check({ ...CREATED, sessionId: 5 })).toBe(false);
    expect(check({ ...CREATED, expiresAt: null })).toBe(false);
    expect(check([CREATED])).toBe(false);
  });

  it('revokeSession is a DELETE of the escaped id, with only signal and timeoutMs of the options', async () => {
    const { sessions, sent } = fakeTransport(undefined);
    const stray = { timeoutMs: 5, idempotent: false, method: 'POST' };
    await sessions.revokeSession('ses/1', stray as never);
    expect(sent.map(described)).toEqual([
      {
        operation: 'portal.revokeSession',
        method: 'DELETE',
        path: '/v1/portal/sessions/ses%2F1',
        isExpectedBody: undefined,
        signal: undefined,
        timeoutMs: 5,
      },
    ]);
  });

  it('revokeSession refuses `current` (the logout route) and a token given as the id, sending nothing', async () => {
    const { sessions, sent } = fakeTransport(undefined);
    await expect(sessions.revokeSession('current')).rejects.toThrow(
      new TypeError(
        '@keyward/client: portal.revokeSession: id must be a session id (ses_…); a customer logs out with PortalClient.logout()',
      ),
    );
    const err = await sessions.revokeSession(TOKEN).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      '@keyward/client: portal.revokeSession: id must be an id, not a key, session token or webhook secret; nothing was sent',
    );
    expect(sent).toEqual([]);
  });
});

describe('CurrentPortalSession', () => {
  it('me is a GET of /v1/portal/me that checks the session shape', async () => {
    const { current, sent } = fakeTransport(CAMEL_PORTAL_SESSION);
    await expect(current.me({ timeoutMs: 50 })).resolves.toEqual(CAMEL_PORTAL_SESSION);
    expect(sent.map(described)).toEqual([
      {
        operation: 'PortalClient.me',
        method: 'GET',
        path: '/v1/portal/me',
        isExpectedBody: 'a function',
        signal: undefined,
        timeoutMs: 50,
      },
    ]);
    const check = sent[0]!.isExpectedBody!;
    expect(check(CAMEL_PORTAL_SESSION)).toBe(true);
    expect(check({ ...CAMEL_PORTAL_SESSION, sessionId: undefined })).toBe(false);
    expect(check({ ...CAMEL_PORTAL_SESSION, customerId: 1 })).toBe(false);
  });

  it('logout is a DELETE of the current session', async () => {
    const { current, sent } = fakeTransport(undefined);
    await expect(current.logout()).resolves.toBeUndefined();
    expect(sent.map(described)).toEqual([
      {
        operation: 'PortalClient.logout',
        method: 'DELETE',
        path: '/v1/portal/sessions/current',
        isExpectedBody: undefined,
        signal: undefined,
        timeoutMs: undefined,
      },
    ]);
  });
});

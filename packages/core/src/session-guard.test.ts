import { describe, expect, it } from 'vitest';
import { createSessionAuthenticator } from './authenticate-session.js';
import { MemorySessionStore } from './memory-session-store.js';
import { createSessionGuard } from './session-guard.js';

const input = { tenantId: 't_1', environmentId: 'prod', customerId: 'cus_1' };

describe('createSessionGuard', () => {
  it('lets a valid token through with its session, and refuses a missing one unless optional', async () => {
    const store = new MemorySessionStore();
    const { token, session } = await store.createSession(input);
    const guard = createSessionGuard({ store });
    const ok = await guard.check({ headers: { 'x-session-token': token } });
    expect(ok.ok && ok.session?.sessionId).toBe(session.id);
    const missing = await guard.check({ headers: {} });
    expect(!missing.ok && missing.error.code).toBe('missing_session_token');
    const optional = createSessionGuard({ store, optional: true });
    expect(await optional.check({ headers: {} })).toEqual({ ok: true, session: null });
    const wrong = await optional.check({ headers: { 'x-session-token': 'wrong' } });
    expect(!wrong.ok && wrong.error.code).toBe('invalid_session_token');
    guard.close();
    optional.close();
  });

  it('limits failed attempts per client address, with Retry-After', async () => {
    const guard = createSessionGuard({ store: new MemorySessionStore(), failureLimit: { max: 2, windowMs: 60_000 } });
    for (let i = 0; i < 2; i += 1) {
      const result = await guard.check({ headers: { 'x-session-token': 'x' }, clientAddress: '192.0.2.1' });
      expect(!result.ok && result.error.code).toBe('invalid_session_token');
    }
    const limited = await guard.check({ headers: {}, clientAddress: '192.0.2.1' });
    expect(!limited.ok && limited.error.code).toBe('too_many_requests');
    expect(!limited.ok && limited.error.retryAfterSeconds).toBeGreaterThan(0);
    const other = await guard.check({ headers: {}, clientAddress: '192.0.2.2' });
    expect(!other.ok && other.error.code).toBe('missing_session_token');
  });

  it('throws at setup naming the bad option, and refuses options beside an authenticator', () => {
    const store = new MemorySessionStore();
    expect(() => createSessionGuard({ store, optinal: true } as never)).toThrow(
      /options\.optinal is not an option \(did you mean options\.optional\?\)/,
    );
    expect(() => createSessionGuard({ store, optional: 'yes' } as never)).toThrow(
      /options\.optional must be a boolean/,
    );
    expect(() => createSessionGuard({ store, failureLimit: { max: 0 } })).toThrow(/options\.failureLimit\.max/);
    expect(() => createSessionGuard({} as never)).toThrow(/options\.store must be a SessionStore/);
    const authenticator = createSessionAuthenticator({ store });
    expect(() => createSessionGuard({ authenticator, header: 'x-other' })).toThrow(
      /options\.header cannot be given with options\.authenticator/,
    );
    const shared = createSessionGuard({ authenticator });
    expect(shared.authenticator).toBe(authenticator);
    authenticator.close();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { manualClock } from '../test/helpers.js';
import { createSessionAuthenticator, type SessionAuthResult } from './authenticate-session.js';
import { generateApiKey } from './generate-api-key.js';
import { MemorySessionStore } from './memory-session-store.js';
import type { SessionStore } from './session-store.js';
import { generateSessionToken } from './session-token.js';

const input = { tenantId: 't_1', environmentId: 'prod', customerId: 'cus_1' };

function codeOf(result: SessionAuthResult): string {
  return result.ok ? 'accepted' : result.error.code;
}

async function setup() {
  const clock = manualClock();
  const store = new MemorySessionStore({ now: clock.date });
  const sessions = createSessionAuthenticator({ store, now: clock.date });
  const created = await store.createSession(input);
  return { clock, store, sessions, ...created };
}

describe('createSessionAuthenticator', () => {
  it('gives back who the session acts for, never the token', async () => {
    const { sessions, token, session } = await setup();
    const result = await sessions.authenticate({ 'x-session-token': token });
    expect(result).toEqual({
      ok: true,
      session: {
        sessionId: session.id,
        customerId: 'cus_1',
        tenantId: 't_1',
        environmentId: 'prod',
        expiresAt: session.expiresAt,
      },
    });
    expect(JSON.stringify(result)).not.toContain(token);
  });

  it('answers each failure with its own code', async () => {
    const { sessions, token, store, session, clock } = await setup();
    expect(codeOf(await sessions.authenticate({}))).toBe('missing_session_token');
    expect(codeOf(await sessions.authenticate({ 'x-session-token': '  ' }))).toBe('missing_session_token');
    expect(codeOf(await sessions.authenticate({ 'x-session-token': 'nope' }))).toBe('invalid_session_token');
    expect(codeOf(await sessions.authenticate({ 'x-session-token': generateSessionToken() }))).toBe(
      'invalid_session_token',
    );
    expect(codeOf(await sessions.authenticate({ 'x-session-token': [token, token] }))).toBe('invalid_session_token');
    expect(codeOf(await sessions.authenticate({ 'x-session-token': `${token}, ${token}` }))).toBe(
      'invalid_session_token',
    );
    clock.advance(3600_000);
    expect(codeOf(await sessions.authenticate({ 'x-session-token': token }))).toBe('expired_session_token');
    const fresh = await store.createSession(input);
    expect(codeOf(await sessions.authenticate({ 'x-session-token': fresh.token }))).toBe('accepted');
    expect(session.id).not.toBe(fresh.session.id);
  });

  it('never takes an API key as a session token, nor reads X-API-Key', async () => {
    const { sessions, token } = await setup();
    expect(codeOf(await sessions.authenticate({ 'x-session-token': generateApiKey() }))).toBe('invalid_session_token');
    expect(codeOf(await sessions.authenticate({ 'x-api-key': token }))).toBe('missing_session_token');
  });

  it('stops accepting a revoked session at once, even when it was cached', async () => {
    const { sessions, token, store, session } = await setup();
    expect(codeOf(await sessions.authenticate({ 'x-session-token': token }))).toBe('accepted');
    await store.revokeSession({ tenantId: 't_1', environmentId: 'prod' }, session.id);
    expect(codeOf(await sessions.authenticate({ 'x-session-token': token }))).toBe('invalid_session_token');
  });

  it('fails closed with auth_unavailable when the store throws', async () => {
    const broken: SessionStore = {
      findSessionByHash: async () => {
        throw new Error('connection refused');
      },
    };
    const sessions = createSessionAuthenticator({ store: broken, cache: false });
    const result = await sessions.authenticate({ 'x-session-token': generateSessionToken() });
    expect(codeOf(result)).toBe('auth_unavailable');
    expect(!result.ok && result.error.status).toBe(503);
  });

  it('reads another header when told, and refuses bad options at setup', async () => {
    const { store, token } = await setup();
    const custom = createSessionAuthenticator({ store, header: 'X-Portal-Token' });
    expect(codeOf(await custom.authenticate({ 'x-portal-token': token }))).toBe('accepted');
    expect(() => createSessionAuthenticator({} as never)).toThrow(/options\.store must be a SessionStore/);
    expect(() => createSessionAuthenticator({ store, header: 'bad header' })).toThrow(/options\.header/);
    expect(() => createSessionAuthenticator({ store, ttl: 1 } as never)).toThrow(/options\.ttl is not an option/);
  });

  it('never throws and never accepts for random header values', async () => {
    const { sessions } = await setup();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string(), fc.array(fc.string()), fc.anything()), async (value) => {
        const result = await sessions.authenticate({ 'x-session-token': value } as never);
        expect(result.ok).toBe(false);
      }),
    );
  });
});

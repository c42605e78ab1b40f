import { describe, expect, it } from 'vitest';
import { manualClock } from '../test/helpers.js';
import type { KeyChange } from './key-store.js';
import { MemorySessionStore } from './memory-session-store.js';
import { hashSessionToken } from './session-token.js';

const scope = { tenantId: 't_1', environmentId: 'prod' };
const input = { ...scope, customerId: 'cus_1' };

describe('MemorySessionStore', () => {
  it('mints a token once and keeps only its hash, with a one-hour default TTL', async () => {
    const clock = manualClock();
    const store = new MemorySessionStore({ now: clock.date });
    const { token, session } = await store.createSession(input);
    expect(session).toEqual({
      id: expect.stringMatching(/^ses_[0-9a-f]{24}$/),
      tenantId: 't_1',
      environmentId: 'prod',
      customerId: 'cus_1',
      expiresAt: new Date(clock.date().getTime() + 3600_000),
      createdAt: clock.date(),
    });
    expect(JSON.stringify(session)).not.toContain(token);
    const stored = await store.findSessionByHash(hashSessionToken(token));
    expect(stored).toMatchObject({ id: session.id, hash: hashSessionToken(token) });
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it('takes a TTL from 60 s to 24 h and refuses anything else, naming the field', async () => {
    const clock = manualClock();
    const store = new MemorySessionStore({ now: clock.date });
    const day = await store.createSession({ ...input, ttlSeconds: 86_400 });
    expect(day.session.expiresAt.getTime() - clock.date().getTime()).toBe(86_400_000);
    for (const ttlSeconds of [59, 86_401, 1.5, -1]) {
      await expect(store.createSession({ ...input, ttlSeconds })).rejects.toThrow(/ttlSeconds/);
    }
    await expect(store.createSession({ ...input, customerId: '' })).rejects.toThrow(/customerId/);
    await expect(store.createSession({ ...input, extra: 1 } as never)).rejects.toThrow(/extra: unknown field/);
  });

  it('revokes in its own scope only, telling watchers the hash', async () => {
    const store = new MemorySessionStore();
    const changes: KeyChange[] = [];
    store.watch((change) => changes.push(change));
    const { token, session } = await store.createSession(input);
    expect(await store.revokeSession({ tenantId: 't_1', environmentId: 'dev' }, session.id)).toBe(false);
    expect(await store.revokeSession({ tenantId: 't_2', environmentId: 'prod' }, session.id)).toBe(false);
    expect(await store.findSessionByHash(hashSessionToken(token))).not.toBeNull();
    expect(changes).toEqual([]);
    expect(await store.revokeSession(scope, session.id)).toBe(true);
    expect(await store.findSessionByHash(hashSessionToken(token))).toBeNull();
    expect(changes).toEqual([{ hash: hashSessionToken(token) }]);
    expect(await store.revokeSession(scope, session.id)).toBe(false);
  });

  it('refuses unknown options', () => {
    expect(() => new MemorySessionStore({ clock: () => new Date() } as never)).toThrow(
      /MemorySessionStore: options\.clock is not an option/,
    );
  });
});

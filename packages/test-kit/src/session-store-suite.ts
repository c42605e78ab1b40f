// The behaviour every ManagedSessionStore owes keyward's portal sessions: run against core's
// MemorySessionStore (the reference), PGlite and a PostgreSQL server in this repository, and by
// any third-party store that wants to show it behaves and refuses alike.
import { createHash, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { createSessionAuthenticator, isSessionTokenFormat, MemorySessionStore } from '@keyward/core';
import {
  type KeyChange,
  type KeyScope,
  type ManagedSessionStore,
  SESSION_TTL,
  type SessionRecord,
} from '@keyward/core/store';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshScope, outcome, registerStoreSuite, SUITE_START } from './suite-support.js';

/**
 * A session store the suite can run against. `watch` is required: a session authenticator
 * caches verified sessions, and only the store's report of a revocation evicts one at once.
 */
export type WatchableSessionStore = ManagedSessionStore & {
  watch(listener: (change: KeyChange) => void): () => void;
};

/** One store opened for the suite, and how to dispose of it. */
export interface SessionStoreHandle {
  store: WatchableSessionStore;
  close(): Promise<void>;
}

/** What {@link describeSessionStoreSuite} runs against. */
export interface SessionStoreFactory {
  /** The suite's title, e.g. `PostgresKeyStore on PGlite: sessions`. */
  name: string;
  /**
   * Opens one store for the whole suite. The store must take its created times (and so every
   * expiry) from `now`: the suite moves that clock by hand, days at a time.
   */
  create(options: { now: () => Date }): Promise<SessionStoreHandle>;
  /** Why the store cannot be tested here, or unset to run; a reason shows as one skipped test. */
  skip?: string | undefined;
}

const CALLER = '@keyward/test-kit: describeSessionStoreSuite';
const DAY_MS = 86_400_000;

// The hash a store keeps, computed here rather than with core's hashSessionToken, so that the
// suite states the rule (SHA-256 of the token, hex) instead of trusting the code it checks.
function sha256(token: string): string {
  return createHash('sha256').update(token, 'ascii').digest('hex');
}

/** The fields of a session record that depend neither on randomness nor on the clock. */
function comparable(session: SessionRecord) {
  const { id: _id, createdAt: _c, expiresAt: _e, ...rest } = session;
  return rest;
}

// Inputs from outside (a request body, a URL): well-formed values, near misses and junk.
const identifier = fc.oneof(
  fc.stringMatching(/^[\x21-\x7e]{1,20}$/),
  fc.string(),
  fc.constantFrom('', ' ', 'a b', 'x'.repeat(129), 'x'.repeat(128), 'é', 'a\u0000b'),
  fc.anything(),
);
const ttlSeconds = fc.oneof(
  fc.integer({ min: 0, max: 2 * 86_400 }),
  fc.constantFrom(59, 60, 86_400, 86_401, 1.5, -60, Number.NaN, Number.POSITIVE_INFINITY, '3600'),
  fc.double(),
  fc.anything(),
);
const createInput = fc.oneof(
  fc.record(
    { tenantId: identifier, environmentId: identifier, customerId: identifier, ttlSeconds },
    { requiredKeys: [] },
  ),
  fc.record({ tenantId: identifier, environmentId: identifier, customerId: identifier, extra: fc.anything() }),
  fc.anything(),
);

/**
 * Registers the session store suite (vitest `describe`/`it`) under `factory.name`: minting a
 * token shown once and stored only as its hash, finding by hash, the TTL default and bounds,
 * revocation confined to the scope and told to every watcher even when one throws, a session
 * authenticator refusing a revoked session at once and an expired one as expired, expired
 * sessions dropped a day after they expire, and bad input refused exactly as core's
 * `MemorySessionStore` refuses it. Call it at the top level of a test file.
 *
 * @example
 * describeSessionStoreSuite({
 *   name: 'MySessionStore',
 *   create: async ({ now }) => {
 *     const store = await openMySessionStore({ now });
 *     return { store, close: () => store.close() };
 *   },
 * });
 */
export function describeSessionStoreSuite(factory: SessionStoreFactory): void {
  registerStoreSuite(factory, CALLER, () => {
    let clockMs = SUITE_START;
    const now = () => new Date(clockMs);
    const tick = (ms = 1_000) => {
      clockMs += ms;
    };
    let handle: SessionStoreHandle;
    let store: WatchableSessionStore;
    const changes: KeyChange[] = [];
    const changed = (hash: string) => changes.some((c) => 'hash' in c && c.hash === hash);

    beforeAll(async () => {
      handle = await factory.create({ now });
      store = handle.store;
      store.watch((change) => changes.push(change));
    });
    afterAll(async () => {
      await handle?.close();
    });

    it('mints a kws_ token shown once, with a record that holds neither the token nor its hash', async () => {
      const scope = freshScope();
      const created = await store.createSession({ ...scope, customerId: 'cus_1' });
      expect(isSessionTokenFormat(created.token)).toBe(true);
      expect(created.session).toEqual({
        id: expect.stringMatching(/^ses_[0-9a-f]{24}$/),
        tenantId: scope.tenantId,
        environmentId: scope.environmentId,
        customerId: 'cus_1',
        expiresAt: new Date(clockMs + SESSION_TTL.defaultSeconds * 1000),
        createdAt: now(),
      });
      const found = await store.findSessionByHash(sha256(created.token));
      const shown = `${JSON.stringify(created.session)}${inspect(created.session)}${JSON.stringify(found)}${inspect(found)}`;
      expect(shown).not.toContain(created.token);
      expect(shown).not.toContain(created.token.slice(4));
      expect(`${JSON.stringify(created.session)}${inspect(created.session)}`).not.toContain(sha256(created.token));
      const again = await store.createSession({ ...scope, customerId: 'cus_1' });
      expect(again.token).not.toBe(created.token);
      expect(again.session.id).not.toBe(created.session.id);
    });

    it('finds a session by the SHA-256 of its token, with Date timestamps, and nothing else', async () => {
      const scope = freshScope();
      const { token, session } = await store.createSession({ ...scope, customerId: 'cus_find', ttlSeconds: 600 });
      const found = await store.findSessionByHash(sha256(token));
      expect(found).toEqual({ ...session, hash: sha256(token) });
      expect(found?.expiresAt).toBeInstanceOf(Date);
      expect(found?.expiresAt.getTime()).toBe(clockMs + 600_000);
      expect(found?.createdAt).toBeInstanceOf(Date);
      expect(await store.findSessionByHash(sha256(`kws_${randomBytes(32).toString('base64url')}`))).toBeNull();
      for (const junk of ['', 'abc', token, sha256(token).toUpperCase(), 'Z'.repeat(64)]) {
        expect(await store.findSessionByHash(junk)).toBeNull();
      }
    });

    it('keeps ids with quotes, backslashes and braces exactly as given', async () => {
      const scope = { tenantId: `t'"\\{},${randomBytes(4).toString('hex')}`, environmentId: 'env-"x"' };
      const customerId = `cus_'"\\{}[],NULL`;
      const { token, session } = await store.createSession({ ...scope, customerId });
      expect(session).toMatchObject({ ...scope, customerId });
      expect(await store.findSessionByHash(sha256(token))).toMatchObject({ ...scope, customerId });
      expect(await store.revokeSession(scope, session.id)).toBe(true);
    });

    it('gives a session one hour by default, and any TTL from 60 s to 24 h exactly', async () => {
      const scope = freshScope();
      for (const ttl of [SESSION_TTL.minSeconds, 61, 3600, SESSION_TTL.maxSeconds - 1, SESSION_TTL.maxSeconds]) {
        const { token, session } = await store.createSession({ ...scope, customerId: 'cus_ttl', ttlSeconds: ttl });
        expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBe(ttl * 1000);
        expect((await store.findSessionByHash(sha256(token)))?.expiresAt).toEqual(session.expiresAt);
      }
      const defaulted = await store.createSession({ ...scope, customerId: 'cus_ttl' });
      expect(defaulted.session.expiresAt.getTime() - clockMs).toBe(3_600_000);
    });

    it('refuses a TTL outside 60 s to 24 h with the TypeError core gives, creating nothing', async () => {
      const reference = new MemorySessionStore({ now });
      const scope = freshScope();
      for (const ttl of [0, 59, SESSION_TTL.maxSeconds + 1, 1.5, -60, Number.NaN, '3600', null]) {
        const input = { ...scope, customerId: 'cus_bad', ttlSeconds: ttl } as never;
        const want = await outcome(() => reference.createSession(input));
        const got = await outcome(() => store.createSession(input));
        expect(want).toMatchObject({ ok: false, name: 'TypeError', message: expect.stringContaining('ttlSeconds') });
        expect(got).toEqual(want);
      }
      // Nothing was written: revoking the only session made afterwards leaves no other to find.
      const { session } = await store.createSession({ ...scope, customerId: 'cus_ok' });
      expect(await store.revokeSession(scope, session.id)).toBe(true);
    });

    it('revokes in its own scope only: another tenant or environment sees a missing session', async () => {
      const scope = freshScope();
      const { token, session } = await store.createSession({ ...scope, customerId: 'cus_rev' });
      const hash = sha256(token);
      for (const outsider of [
        { ...scope, environmentId: 'dev' },
        { ...scope, tenantId: `${scope.tenantId}x` },
      ]) {
        expect(await store.revokeSession(outsider, session.id)).toBe(false);
      }
      expect(await store.findSessionByHash(hash)).not.toBeNull();
      expect(changed(hash)).toBe(false);
      expect(await store.revokeSession(scope, 'ses_000000000000000000000000')).toBe(false);
      expect(await store.revokeSession(scope, session.id)).toBe(true);
      expect(changed(hash)).toBe(true);
      expect(await store.findSessionByHash(hash)).toBeNull();
      expect(await store.revokeSession(scope, session.id)).toBe(false);
    });

    it('tells every watcher of a revocation when some throw, so a session authenticator refuses it at once', async () => {
      const scope = freshScope();
      const revoked = await store.createSession({ ...scope, customerId: 'cus_w' });
      const kept = await store.createSession({ ...scope, customerId: 'cus_w' });
      const faulty = () => {
        throw new Error('a faulty watcher');
      };
      const heardBefore: KeyChange[] = [];
      const heardAfter: KeyChange[] = [];
      // Throwers on both sides of the authenticator's own watcher: an emitter that stops at the
      // first throw would leave a revoked session in the cache, whatever the order.
      const stops = [store.watch(faulty), store.watch((change) => heardBefore.push(change))];
      const auth = createSessionAuthenticator({ store, now });
      stops.push(
        store.watch(faulty),
        store.watch((change) => heardAfter.push(change)),
        store.watch(faulty),
      );
      const check = async (token: string) => {
        const result = await auth.authenticate({ 'x-session-token': token });
        return result.ok ? 'ok' : result.error.code;
      };
      try {
        expect(await auth.authenticate({ 'x-session-token': revoked.token })).toEqual({
          ok: true,
          session: {
            sessionId: revoked.session.id,
            customerId: 'cus_w',
            tenantId: scope.tenantId,
            environmentId: scope.environmentId,
            expiresAt: revoked.session.expiresAt,
          },
        });
        expect(await check(kept.token)).toBe('ok');
        // Now cached: only the store's report can stop the authenticator answering from its cache.
        await expect(store.revokeSession(scope, revoked.session.id)).resolves.toBe(true);
        expect(await check(revoked.token)).toBe('invalid_session_token');
        expect(await check(kept.token)).toBe('ok');
        for (const heard of [heardBefore, heardAfter, changes]) {
          expect(heard).toContainEqual({ hash: sha256(revoked.token) });
          expect(heard).not.toContainEqual({ hash: sha256(kept.token) });
        }
      } finally {
        auth.close();
        for (const stop of stops) stop();
      }
    });

    it('keeps an expired session for a day, so it answers expired_session_token, then drops it', async () => {
      const scope = freshScope();
      const auth = createSessionAuthenticator({ store, now });
      try {
        const short = await store.createSession({ ...scope, customerId: 'cus_exp', ttlSeconds: 60 });
        const long = await store.createSession({ ...scope, customerId: 'cus_exp', ttlSeconds: 3600 });
        const check = async (token: string) => {
          const result = await auth.authenticate({ 'x-session-token': token });
          return result.ok ? 'ok' : result.error.code;
        };
        expect(await check(short.token)).toBe('ok');
        tick(59_999);
        expect(await check(short.token)).toBe('ok');
        tick(1);
        expect(await check(short.token)).toBe('expired_session_token');
        expect(await check(long.token)).toBe('ok');

        // A day after it expired it is still there (creating a session is when a store prunes).
        tick(DAY_MS);
        await store.createSession({ ...freshScope(), customerId: 'cus_prune' });
        expect(await store.findSessionByHash(sha256(short.token))).toMatchObject({ id: short.session.id });
        expect(await check(short.token)).toBe('expired_session_token');
        // Past that day: dropped by the next createSession, so the store does not grow without bound.
        tick(1);
        await store.createSession({ ...freshScope(), customerId: 'cus_prune' });
        expect(await store.findSessionByHash(sha256(short.token))).toBeNull();
        expect(await store.findSessionByHash(sha256(long.token))).toMatchObject({ id: long.session.id });
        expect(await store.revokeSession(scope, short.session.id)).toBe(false);
      } finally {
        auth.close();
      }
    });

    it('refuses bad create input exactly as core MemorySessionStore does', async () => {
      const reference = new MemorySessionStore({ now });
      await fc.assert(
        fc.asyncProperty(createInput, async (input) => {
          const want = await outcome(() => reference.createSession(input as never));
          const got = await outcome(() => store.createSession(input as never));
          expect(got.ok).toBe(want.ok);
          if (!got.ok) expect(got).toEqual(want);
          if (got.ok && want.ok) {
            const mine = (got.value as { token: string; session: SessionRecord }).session;
            const theirs = (want.value as { token: string; session: SessionRecord }).session;
            expect(comparable(mine)).toEqual(comparable(theirs));
            expect(mine.expiresAt.getTime() - mine.createdAt.getTime()).toBe(
              theirs.expiresAt.getTime() - theirs.createdAt.getTime(),
            );
          }
        }),
        { numRuns: 60 },
      );
    });

    it('refuses bad scopes and ids on revoke exactly as core does, and finds nothing for junk', async () => {
      const reference = new MemorySessionStore({ now });
      const scope = freshScope();
      const mine = await store.createSession({ ...scope, customerId: 'cus_prop' });
      const theirs = await reference.createSession({ ...scope, customerId: 'cus_prop' });
      const scopeArb = fc.oneof(
        fc.constant(scope),
        fc.record({ tenantId: identifier, environmentId: identifier }),
        fc.record({ tenantId: identifier }),
        fc.anything(),
      );
      const idArb = fc.oneof(fc.constantFrom('ses_none', ''), fc.string(), fc.anything());
      await fc.assert(
        fc.asyncProperty(scopeArb, idArb, fc.anything(), async (s, id, junkHash) => {
          // A missing id, so nothing is revoked: only whether the input is refused is compared.
          const want = await outcome(() => reference.revokeSession(s as KeyScope, id as string));
          const got = await outcome(() => store.revokeSession(s as KeyScope, id as string));
          expect(got).toEqual(want);
          expect(await store.findSessionByHash(junkHash as string)).toBeNull();
        }),
        { numRuns: 60 },
      );
      // Revoking by a scope the validators accept still finds the real session, on both.
      expect(await reference.revokeSession(scope, theirs.session.id)).toBe(true);
      expect(await store.revokeSession(scope, mine.session.id)).toBe(true);
    });
  });
}

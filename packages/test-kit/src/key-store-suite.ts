// The behaviour every ManagedKeyStore owes keyward: run against core's MemoryKeyStore (the
// reference), PGlite and a PostgreSQL server in this repository, and by any third-party store
// that wants to show it behaves and refuses alike.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { createAuthenticator, hashApiKey, isApiKeyError, isApiKeyFormat, MemoryKeyStore } from '@keyward/core';
import type { ApiKeyRecord, KeyChange, KeyScope, ManagedKeyStore } from '@keyward/core/store';
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { freshScope, outcome, registerStoreSuite, SUITE_START } from './suite-support.js';

/**
 * A store the suite can run against. `watch` is required, not optional as in `KeyStore`: an
 * authenticator evicts its cache on the changes a store reports, and without them a revoked key
 * would keep working until the cache entry expires.
 */
export type WatchableKeyStore = ManagedKeyStore & { watch(listener: (change: KeyChange) => void): () => void };

/** One store opened for the suite, and how to dispose of it. */
export interface KeyStoreHandle {
  store: WatchableKeyStore;
  close(): Promise<void>;
}

/** What {@link describeKeyStoreSuite} runs against. */
export interface KeyStoreFactory {
  /** The suite's title, e.g. `PostgresKeyStore on PGlite`. */
  name: string;
  /**
   * Opens one store for the whole suite. The store must take its created, updated and rotation
   * times from `now`: the suite moves that clock by hand.
   */
  create(options: { now: () => Date }): Promise<KeyStoreHandle>;
  /**
   * Why the store cannot be tested here (no server reachable, say), or unset to run. A reason
   * registers the suite as skipped with the reason as its one test's title, so a skip is never
   * silent.
   */
  skip?: string | undefined;
}

const CALLER = '@keyward/test-kit: describeKeyStoreSuite';

/**
 * Expects a rotation refused as keyward's 409 `conflict` (an `ApiKeyError`, so a server renders it
 * as it is), with a message saying why.
 */
async function expectRotationRefused(attempt: Promise<unknown>, why: RegExp): Promise<void> {
  const err = await attempt.then(
    () => new Error('the rotation was not refused'),
    (e: unknown) => e,
  );
  expect(isApiKeyError(err), String(err)).toBe(true);
  expect(err).toMatchObject({ code: 'conflict', status: 409 });
  expect((err as Error).message).toMatch(why);
}
/** The fields of a record that do not depend on randomness or the clock. */
function comparable(record: ApiKeyRecord) {
  const { id: _id, displayId: _displayId, createdAt: _c, updatedAt: _u, ...rest } = record;
  return rest;
}

// Inputs from outside: well-formed values, near misses and junk, with fields left out.
const identifier = fc.oneof(
  fc.stringMatching(/^[\x21-\x7e]{1,20}$/),
  fc.string(),
  fc.constantFrom('', ' ', 'a b', 'x'.repeat(129), 'é'),
  fc.anything(),
);
const name = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', '   ', ' padded ', 'x'.repeat(256), 'x'.repeat(255)),
  fc.anything(),
);
const scopes = fc.oneof(
  fc.array(fc.oneof(fc.stringMatching(/^[\x21-\x7e]{1,10}$/), fc.constantFrom('*', 'keys:read', 'keys:read'))),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.constant(Array.from({ length: 101 }, (_, i) => `s${i}`)),
  fc.anything(),
);
const expiresAt = fc.oneof(
  fc.constant(null),
  fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }),
  fc.constant(new Date(Number.NaN)),
  fc.string(),
);
const createInput = fc.oneof(
  fc.record(
    {
      tenantId: identifier,
      environmentId: identifier,
      userId: fc.oneof(identifier, fc.constant(null)),
      name,
      scopes,
      expiresAt,
    },
    { requiredKeys: [] },
  ),
  fc.record({ tenantId: identifier, environmentId: identifier, name, extra: fc.anything() }),
  fc.anything(),
);

/**
 * Registers the key store suite (vitest `describe`/`it`) under `factory.name`: creating,
 * finding, listing, updating, revoking and rotating keys, tenant and environment isolation,
 * refusing bad input exactly as core's `MemoryKeyStore` does, and telling every watcher of a
 * change even when one of them throws. Call it at the top level of a test file.
 *
 * @example
 * describeKeyStoreSuite({
 *   name: 'MyKeyStore',
 *   create: async ({ now }) => {
 *     const store = await openMyKeyStore({ now });
 *     return { store, close: () => store.close() };
 *   },
 * });
 */
export function describeKeyStoreSuite(factory: KeyStoreFactory): void {
  registerStoreSuite(factory, CALLER, () => {
    let clockMs = SUITE_START;
    const now = () => new Date(clockMs);
    const tick = (ms = 1_000) => {
      clockMs += ms;
    };
    let handle: KeyStoreHandle;
    let store: WatchableKeyStore;
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

    it('creates a 64-hex key shown once, with a record that holds neither the key nor its hash', async () => {
      const scope = freshScope();
      const created = await store.create({ ...scope, name: 'ci', userId: 'u1', scopes: ['keys:read', 'keys:read'] });
      expect(isApiKeyFormat(created.key)).toBe(true);
      expect(created.apiKey).toMatchObject({
        name: 'ci',
        type: 'private_key',
        tenantId: scope.tenantId,
        environmentId: scope.environmentId,
        userId: 'u1',
        scopes: ['keys:read'],
        active: true,
        expiresAt: null,
        lastUsedAt: null,
      });
      expect(created.apiKey.createdAt).toEqual(now());
      expect(created.apiKey.displayId).toBe(`${created.key.slice(0, 6)}***${created.key.slice(-2)}`);
      expect(created.apiKey).not.toHaveProperty('hash');
      const shown = `${JSON.stringify(created.apiKey)}${inspect(created.apiKey)}${inspect(await store.get(scope, created.apiKey.id))}`;
      expect(shown).not.toContain(created.key);
      expect(shown).not.toContain(hashApiKey(created.key));
    });

    it('finds a key by its hash, with Date timestamps and the hash', async () => {
      const scope = freshScope();
      const expires = new Date(SUITE_START + 86_400_000 + 123);
      const { key, apiKey } = await store.create({ ...scope, name: 'find me', scopes: ['a', '*'], expiresAt: expires });
      const found = await store.findByHash(hashApiKey(key));
      expect(found).toEqual({ ...apiKey, hash: hashApiKey(key) });
      expect(found?.expiresAt).toBeInstanceOf(Date);
      expect(found?.expiresAt?.getTime()).toBe(expires.getTime());
      expect(found?.createdAt).toBeInstanceOf(Date);
    });

    it('answers null for unknown and malformed hashes', async () => {
      expect(await store.findByHash(hashApiKey(randomBytes(32).toString('hex')))).toBeNull();
      for (const junk of ['', 'abc', 'Z'.repeat(64), hashApiKey('x').toUpperCase(), 42, null]) {
        expect(await store.findByHash(junk as string)).toBeNull();
      }
    });

    it('gets a key only within its own tenant and environment', async () => {
      const scope = freshScope();
      const { apiKey } = await store.create({ ...scope, name: 'mine' });
      expect(await store.get(scope, apiKey.id)).toEqual(apiKey);
      expect(await store.get({ ...scope, tenantId: `${scope.tenantId}x` }, apiKey.id)).toBeNull();
      expect(await store.get({ ...scope, environmentId: 'dev' }, apiKey.id)).toBeNull();
      expect(await store.get(scope, 'key_000000000000000000000000')).toBeNull();
    });

    it('lists newest first, one page at a time, with the total', async () => {
      const scope = freshScope();
      const other = { ...scope, environmentId: 'staging' };
      await store.create({ ...other, name: 'elsewhere' });
      const made: ApiKeyRecord[] = [];
      for (let i = 0; i < 5; i++) {
        tick();
        made.push((await store.create({ ...scope, name: `k${i}` })).apiKey);
      }
      // Two keys made in the same instant still list in one fixed order: by id, descending.
      tick();
      const sameInstant = [(await store.create({ ...scope, name: 'same1' })).apiKey];
      sameInstant.push((await store.create({ ...scope, name: 'same2' })).apiKey);
      sameInstant.sort((a, b) => (a.id < b.id ? 1 : -1));
      const expected = [...sameInstant, ...made.reverse()].map((k) => k.id);

      const all = await store.list(scope);
      expect(all.total).toBe(7);
      expect(all.items.map((k) => k.id)).toEqual(expected);
      expect(all.nextCursor).toBeNull();
      const page = await store.list(scope, { limit: 3, offset: 2 });
      expect(page).toEqual({ items: all.items.slice(2, 5), total: 7, offset: 2, nextCursor: expect.any(String) });
      expect(await store.list(scope, { limit: 100, offset: 7 })).toEqual({
        items: [],
        total: 7,
        offset: 7,
        nextCursor: null,
      });
      expect(await store.list(scope, { offset: Number.MAX_SAFE_INTEGER })).toEqual({
        items: [],
        total: 7,
        offset: Number.MAX_SAFE_INTEGER,
        nextCursor: null,
      });
      expect(await store.list(freshScope())).toEqual({ items: [], total: 0, offset: 0, nextCursor: null });
      expect((await store.list(other)).items.map((k) => k.name)).toEqual(['elsewhere']);
    });

    it('pages by cursor without repeating or skipping a key while keys are created and revoked between pages', async () => {
      const scope = freshScope();
      const made: ApiKeyRecord[] = [];
      for (let i = 0; i < 4; i++) {
        tick();
        made.push((await store.create({ ...scope, name: `k${i}` })).apiKey);
      }
      // Three keys of one instant: the cursor must carry the id, not the time alone.
      tick();
      for (let i = 0; i < 3; i++) made.push((await store.create({ ...scope, name: `same${i}` })).apiKey);
      const before = (await store.list(scope)).items.map((k) => k.id);
      expect(before).toHaveLength(7);

      const seen: string[] = [];
      const offsets: number[] = [];
      let cursor: string | undefined;
      let revoked: string | undefined;
      for (let pages = 0; pages < 10; pages++) {
        const page = await store.list(scope, cursor === undefined ? { limit: 2 } : { limit: 2, cursor });
        seen.push(...page.items.map((k) => k.id));
        offsets.push(page.offset);
        expect(page.total).toBe((await store.list(scope, { limit: 100 })).total);
        if (page.nextCursor === null) break;
        cursor = page.nextCursor;
        // Between pages: a new key (it sorts before the cursor, so it is not in later pages) and
        // one key not yet seen revoked (gone from every listing).
        tick();
        await store.create({ ...scope, name: 'between' });
        if (revoked === undefined) {
          revoked = before[before.length - 1] as string;
          expect(await store.revoke(scope, revoked)).toBe(true);
        }
      }
      expect(seen).toEqual(before.filter((id) => id !== revoked));
      expect(new Set(seen).size).toBe(seen.length);
      // Each page's offset is where its first key stands in the listing as it is now.
      expect(offsets[0]).toBe(0);
      expect(offsets[1]).toBe(3);

      // A cursor only says where to start: in another scope it lists that scope's keys.
      const elsewhere = freshScope();
      const theirs = await store.create({ ...elsewhere, name: 'theirs' });
      tick();
      await store.create({ ...scope, name: 'newest' });
      const first = await store.list(scope, { limit: 1 });
      const crossed = await store.list(elsewhere, { cursor: first.nextCursor as string });
      expect(crossed.items.map((k) => k.id)).toEqual([theirs.apiKey.id]);
    });

    it('refuses a malformed cursor, and a cursor with an offset', async () => {
      const scope = freshScope();
      await store.create({ ...scope, name: 'a' });
      tick();
      await store.create({ ...scope, name: 'b' });
      const { nextCursor } = await store.list(scope, { limit: 1 });
      expect(nextCursor).toEqual(expect.any(String));
      for (const bad of ['', 'not a cursor', '!!!', `${nextCursor}x`, 42, null]) {
        await expect(store.list(scope, { cursor: bad as string })).rejects.toThrow(TypeError);
      }
      await expect(store.list(scope, { cursor: nextCursor as string, offset: 1 })).rejects.toThrow(TypeError);
      expect((await store.list(scope, { cursor: nextCursor as string, offset: 0 })).items.map((k) => k.name)).toEqual([
        'a',
      ]);
    });

    it('creates once per idempotency key: a retry gets the same key back, marked replayed', async () => {
      const scope = freshScope();
      const idempotencyKey = randomBytes(32).toString('base64url');
      const input = { ...scope, name: 'once', scopes: ['keys:read'], userId: 'u1' };
      const first = await store.create(input, { idempotencyKey });
      expect(first.replayed).toBeUndefined();
      tick();
      const again = await store.create(input, { idempotencyKey });
      expect(again).toEqual({ ...first, replayed: true });
      expect((await store.list(scope)).items.map((k) => k.id)).toEqual([first.apiKey.id]);
      expect(await store.findByHash(hashApiKey(again.key))).not.toBeNull();

      // Another tenant or environment with the same idempotency key is another call.
      const other = await store.create({ ...input, environmentId: 'staging' }, { idempotencyKey });
      expect(other.key).not.toBe(first.key);
      expect(other.replayed).toBeUndefined();
      // A different idempotency key is another call.
      const fresh = await store.create(input, { idempotencyKey: randomBytes(32).toString('base64url') });
      expect(fresh.key).not.toBe(first.key);
    });

    it('refuses an idempotency key reused with a different request, and mints nothing', async () => {
      const scope = freshScope();
      const idempotencyKey = randomBytes(32).toString('hex');
      const { apiKey } = await store.create({ ...scope, name: 'one' }, { idempotencyKey });
      for (const changed of [{ name: 'two' }, { scopes: ['x'] }, { userId: 'someone' }]) {
        const err = await store.create({ ...scope, name: 'one', ...changed }, { idempotencyKey }).catch((e) => e);
        expect(err).toMatchObject({ name: 'ApiKeyError', code: 'idempotency_key_reused', status: 422 });
      }
      // The same key on a rotation is a different request too.
      const err = await store.rotate(scope, apiKey.id, { idempotencyKey }).catch((e) => e);
      expect(err).toMatchObject({ code: 'idempotency_key_reused' });
      expect((await store.list(scope)).items.map((k) => k.id)).toEqual([apiKey.id]);
    });

    it('mints one key for concurrent calls with one idempotency key', async () => {
      const scope = freshScope();
      const idempotencyKey = randomBytes(32).toString('base64url');
      const results = await Promise.all(
        Array.from({ length: 6 }, () => store.create({ ...scope, name: 'racing' }, { idempotencyKey })),
      );
      expect(new Set(results.map((r) => r.key)).size).toBe(1);
      expect(results.filter((r) => r.replayed === undefined)).toHaveLength(1);
      expect((await store.list(scope)).total).toBe(1);

      const { apiKey } = results[0] as (typeof results)[number];
      const rotationKey = randomBytes(32).toString('base64url');
      const rotations = await Promise.all(
        Array.from({ length: 6 }, () =>
          store.rotate(scope, apiKey.id, { gracePeriodSeconds: 60, idempotencyKey: rotationKey }),
        ),
      );
      expect(new Set(rotations.map((r) => r?.key)).size).toBe(1);
      // The old key and exactly one successor.
      expect((await store.list(scope)).total).toBe(2);
    });

    it('forgets an idempotency key after 24 hours', async () => {
      const scope = freshScope();
      const idempotencyKey = randomBytes(32).toString('base64url');
      const first = await store.create({ ...scope, name: 'daily' }, { idempotencyKey });
      tick(24 * 3600 * 1000 - 1_000);
      expect((await store.create({ ...scope, name: 'daily' }, { idempotencyKey })).key).toBe(first.key);
      tick(2_000);
      const later = await store.create({ ...scope, name: 'daily' }, { idempotencyKey });
      expect(later.key).not.toBe(first.key);
      expect(later.replayed).toBeUndefined();
      // And a different request with it is now a new call, not a reuse.
      tick(24 * 3600 * 1000 + 1_000);
      expect((await store.create({ ...scope, name: 'other' }, { idempotencyKey })).apiKey.name).toBe('other');
    });

    it('rotates once per idempotency key, even after the old key is gone', async () => {
      const scope = freshScope();
      const { apiKey: old } = await store.create({ ...scope, name: 'rotating', scopes: ['a'] });
      const idempotencyKey = randomBytes(32).toString('base64url');
      tick();
      const first = await store.rotate(scope, old.id, { idempotencyKey });
      expect(first).not.toBeNull();
      expect(await store.get(scope, old.id)).toBeNull();
      const again = await store.rotate(scope, old.id, { idempotencyKey });
      expect(again).toEqual({ ...first, replayed: true });
      expect((await store.list(scope)).items.map((k) => k.id)).toEqual([first?.apiKey.id]);
      const err = await store.rotate(scope, old.id, { idempotencyKey, gracePeriodSeconds: 5 }).catch((e) => e);
      expect(err).toMatchObject({ code: 'idempotency_key_reused' });
      // Not found records nothing: the key can still be used for a real call.
      const unused = randomBytes(32).toString('base64url');
      expect(await store.rotate(scope, 'key_none', { idempotencyKey: unused })).toBeNull();
      expect((await store.create({ ...scope, name: 'after' }, { idempotencyKey: unused })).replayed).toBeUndefined();
    });

    it('replays a rotation with a grace period before the one-successor rule would refuse it', async () => {
      const scope = freshScope();
      const { apiKey: old } = await store.create({ ...scope, name: 'graceful', scopes: ['a'] });
      const idempotencyKey = randomBytes(32).toString('base64url');
      tick();
      const first = await store.rotate(scope, old.id, { gracePeriodSeconds: 3600, idempotencyKey });
      if (!first) throw new Error('the first rotation must succeed');
      expect(await store.get(scope, old.id)).toMatchObject({ successorId: first.apiKey.id });
      tick();
      // The old key is in its grace period with a successor: a retry (its response lost) gets that
      // successor back, not the 409 a new rotation of the key gets.
      const again = await store.rotate(scope, old.id, { gracePeriodSeconds: 3600, idempotencyKey });
      expect(again).toEqual({ ...first, replayed: true });
      await expectRotationRefused(store.rotate(scope, old.id, { gracePeriodSeconds: 3600 }), /already rotated/);
      const otherKey = randomBytes(32).toString('base64url');
      await expectRotationRefused(
        store.rotate(scope, old.id, { gracePeriodSeconds: 3600, idempotencyKey: otherKey }),
        /already rotated/,
      );
      // The refused call recorded nothing: its idempotency key is still free for a real call.
      expect((await store.create({ ...scope, name: 'after' }, { idempotencyKey: otherKey })).replayed).toBeUndefined();
      expect((await store.list(scope)).total).toBe(3);
    });

    it('refuses idempotency keys too short to be unguessable', async () => {
      const scope = freshScope();
      for (const bad of ['', 'short', 'x'.repeat(31), 'é'.repeat(40), `${'a'.repeat(40)} b`, 'a'.repeat(256), 42]) {
        await expect(store.create({ ...scope, name: 'n' }, { idempotencyKey: bad as string })).rejects.toThrow(
          TypeError,
        );
        await expect(store.rotate(scope, 'key_none', { idempotencyKey: bad as string })).rejects.toThrow(TypeError);
      }
      await expect(store.create({ ...scope, name: 'n' }, { other: 1 } as never)).rejects.toThrow(TypeError);
      expect((await store.list(scope)).total).toBe(0);
    });

    it('updates name and active, reports the change, and confines it to the scope', async () => {
      const scope = freshScope();
      const { key, apiKey } = await store.create({ ...scope, name: 'before' });
      const hash = hashApiKey(key);
      expect(await store.update({ ...scope, tenantId: 'other' }, apiKey.id, { active: false })).toBeNull();
      expect(changed(hash)).toBe(false);
      tick();
      const updated = await store.update(scope, apiKey.id, { name: ' after ', active: false });
      expect(updated).toEqual({ ...apiKey, name: 'after', active: false, updatedAt: now() });
      expect(changed(hash)).toBe(true);
      expect((await store.findByHash(hash))?.active).toBe(false);
      const again = await store.update(scope, apiKey.id, { active: true });
      expect(again).toMatchObject({ name: 'after', active: true });
      expect(await store.update(scope, 'key_missing', { name: 'x' })).toBeNull();
    });

    it('revokes by deleting: gone everywhere, reported, and only within the scope', async () => {
      const scope = freshScope();
      const { key, apiKey } = await store.create({ ...scope, name: 'doomed' });
      const hash = hashApiKey(key);
      expect(await store.revoke({ ...scope, environmentId: 'dev' }, apiKey.id)).toBe(false);
      expect(await store.findByHash(hash)).not.toBeNull();
      expect(changed(hash)).toBe(false);
      expect(await store.revoke(scope, apiKey.id)).toBe(true);
      expect(changed(hash)).toBe(true);
      expect(await store.findByHash(hash)).toBeNull();
      expect(await store.get(scope, apiKey.id)).toBeNull();
      expect(await store.list(scope)).toEqual({ items: [], total: 0, offset: 0, nextCursor: null });
      expect(await store.revoke(scope, apiKey.id)).toBe(false);
    });

    it('rotates without grace: a new key like the old, and the old one revoked at once', async () => {
      const scope = freshScope();
      const expires = new Date(SUITE_START + 10 * 86_400_000);
      const old = await store.create({ ...scope, name: 'rot', userId: 'u9', scopes: ['a', 'b'], expiresAt: expires });
      tick();
      const rotated = await store.rotate(scope, old.apiKey.id);
      expect(rotated).not.toBeNull();
      if (!rotated) return;
      expect(rotated.key).not.toBe(old.key);
      expect(rotated.apiKey.id).not.toBe(old.apiKey.id);
      expect(comparable(rotated.apiKey)).toEqual(comparable(old.apiKey));
      expect(rotated.apiKey.createdAt).toEqual(now());
      expect(await store.findByHash(hashApiKey(old.key))).toBeNull();
      expect(changed(hashApiKey(old.key))).toBe(true);
      expect((await store.findByHash(hashApiKey(rotated.key)))?.id).toBe(rotated.apiKey.id);
      expect((await store.list(scope)).items.map((k) => k.id)).toEqual([rotated.apiKey.id]);
    });

    it('rotates with grace: the old key expires at now + grace, or keeps an earlier expiry', async () => {
      const scope = freshScope();
      const late = await store.create({ ...scope, name: 'late' });
      // Still unexpired when rotated (an expired key cannot be), but before the grace would end.
      const soonExpiry = new Date(now().getTime() + 60_000);
      const soon = await store.create({ ...scope, name: 'soon', expiresAt: soonExpiry });
      tick(5_000);
      const rotatedLate = await store.rotate(scope, late.apiKey.id, { gracePeriodSeconds: 3600 });
      expect(rotatedLate?.apiKey.expiresAt).toBeNull();
      const oldLate = await store.findByHash(hashApiKey(late.key));
      expect(oldLate?.expiresAt?.getTime()).toBe(now().getTime() + 3_600_000);
      expect(oldLate?.updatedAt).toEqual(now());
      expect(changed(hashApiKey(late.key))).toBe(true);

      const rotatedSoon = await store.rotate(scope, soon.apiKey.id, { gracePeriodSeconds: 3600 });
      expect(rotatedSoon?.apiKey.expiresAt).toEqual(soonExpiry);
      expect((await store.findByHash(hashApiKey(soon.key)))?.expiresAt).toEqual(soonExpiry);
      expect((await store.list(scope)).total).toBe(4);
    });

    it('rotates nothing outside the scope', async () => {
      const scope = freshScope();
      const { key, apiKey } = await store.create({ ...scope, name: 'stay' });
      expect(await store.rotate({ ...scope, tenantId: 'intruder' }, apiKey.id)).toBeNull();
      expect(await store.rotate({ ...scope, environmentId: 'dev' }, apiKey.id, { gracePeriodSeconds: 10 })).toBeNull();
      expect(await store.findByHash(hashApiKey(key))).toMatchObject({ expiresAt: null });
      expect((await store.list(scope)).total).toBe(1);
    });

    it('gives a key exactly one successor: during its grace period it cannot be rotated again', async () => {
      const scope = freshScope();
      const old = await store.create({ ...scope, name: 'once' });
      expect(old.apiKey.successorId).toBeNull();
      tick();
      const first = await store.rotate(scope, old.apiKey.id, { gracePeriodSeconds: 3600 });
      if (!first) throw new Error('the first rotation must succeed');
      expect(first.apiKey.successorId).toBeNull();
      const rotatedOld = await store.findByHash(hashApiKey(old.key));
      expect(rotatedOld).toMatchObject({ successorId: first.apiKey.id, active: true });
      expect(await store.get(scope, old.apiKey.id)).toMatchObject({ successorId: first.apiKey.id });
      tick();
      for (const options of [{ gracePeriodSeconds: 3600 }, { gracePeriodSeconds: 0 }, undefined]) {
        await expectRotationRefused(store.rotate(scope, old.apiKey.id, options), /already rotated/);
      }
      // A refused rotation changes nothing: the old key keeps its grace end and still works.
      expect(await store.findByHash(hashApiKey(old.key))).toEqual(rotatedOld);
      const ids = (await store.list(scope)).items.map((k) => k.id).sort();
      expect(ids).toEqual([old.apiKey.id, first.apiKey.id].sort());
      // The successor is a key like any other: it has no successor yet, so it can be rotated.
      const second = await store.rotate(scope, first.apiKey.id);
      expect(second?.apiKey.name).toBe('once');
      // Once the grace has ended the old key is expired: still no second successor.
      tick(3_600_000);
      await expectRotationRefused(store.rotate(scope, old.apiKey.id), /already rotated/);
      expect((await store.list(scope)).total).toBe(2);
    });

    it('brings back no deactivated or expired key: rotating one is refused and changes nothing', async () => {
      const scope = freshScope();
      const off = await store.create({ ...scope, name: 'off', scopes: ['*'] });
      await store.update(scope, off.apiKey.id, { active: false });
      const ending = await store.create({ ...scope, name: 'ending', expiresAt: new Date(now().getTime() + 1_000) });
      const offBefore = await store.findByHash(hashApiKey(off.key));
      // Expired from the instant of its expiry on, as the authenticator counts it.
      tick(1_000);
      const endingBefore = await store.findByHash(hashApiKey(ending.key));
      for (const grace of [0, 3600]) {
        await expectRotationRefused(store.rotate(scope, off.apiKey.id, { gracePeriodSeconds: grace }), /inactive/);
        await expectRotationRefused(store.rotate(scope, ending.apiKey.id, { gracePeriodSeconds: grace }), /expired/);
      }
      expect(await store.findByHash(hashApiKey(off.key))).toEqual(offBefore);
      expect(await store.findByHash(hashApiKey(ending.key))).toEqual(endingBefore);
      expect((await store.list(scope)).total).toBe(2);
      // Reactivated (which a server allows only to a caller that could have made the key), it rotates.
      await store.update(scope, off.apiKey.id, { active: true });
      expect((await store.rotate(scope, off.apiKey.id))?.apiKey).toMatchObject({ active: true, scopes: ['*'] });
    });

    it('keeps tenants and environments apart in every operation', async () => {
      const a = freshScope('prod');
      const b = { ...a, environmentId: 'dev' };
      const c = { ...freshScope('prod') };
      const ka = await store.create({ ...a, name: 'a' });
      await store.create({ ...b, name: 'b' });
      await store.create({ ...c, name: 'c' });
      for (const outsider of [b, c]) {
        expect(await store.get(outsider, ka.apiKey.id)).toBeNull();
        expect(await store.update(outsider, ka.apiKey.id, { name: 'stolen' })).toBeNull();
        expect(await store.revoke(outsider, ka.apiKey.id)).toBe(false);
        expect(await store.rotate(outsider, ka.apiKey.id)).toBeNull();
        expect((await store.list(outsider)).items.map((k) => k.name)).not.toContain('a');
      }
      expect(await store.get(a, ka.apiKey.id)).toEqual(ka.apiKey);
    });

    it('tells every other watcher of a revocation, a deactivation and a rotation when some watchers throw', async () => {
      const scope = freshScope();
      const revoked = await store.create({ ...scope, name: 'revoke me' });
      const deactivated = await store.create({ ...scope, name: 'deactivate me' });
      const rotated = await store.create({ ...scope, name: 'rotate me' });
      const hashes = [revoked, deactivated, rotated].map((k) => hashApiKey(k.key));
      const faulty = () => {
        throw new Error('a faulty watcher');
      };
      const heardBefore: KeyChange[] = [];
      const heardAfter: KeyChange[] = [];
      // Throwers on both sides of the authenticator's own watcher and of the others: an emitter
      // that stops at the first throw leaves a revoked key in the cache, whatever the order.
      const stops = [store.watch(faulty), store.watch((change) => heardBefore.push(change))];
      const auth = createAuthenticator({ store, now });
      stops.push(
        store.watch(faulty),
        store.watch((change) => heardAfter.push(change)),
        store.watch(faulty),
      );
      const check = async (key: string) => {
        const result = await auth.authenticate({ 'x-api-key': key });
        return result.ok ? 'ok' : result.error.code;
      };
      try {
        for (const k of [revoked, deactivated, rotated]) {
          expect(await check(k.key)).toBe('ok');
          // Cached now: only the store's change can stop the authenticator answering from it.
          expect(auth.cache?.get(hashApiKey(k.key))).toMatchObject({ id: k.apiKey.id });
        }

        await expect(store.revoke(scope, revoked.apiKey.id)).resolves.toBe(true);
        expect(await check(revoked.key)).toBe('invalid_api_key');
        await expect(store.update(scope, deactivated.apiKey.id, { active: false })).resolves.toMatchObject({
          active: false,
        });
        expect(await check(deactivated.key)).toBe('inactive_api_key');
        const successor = await store.rotate(scope, rotated.apiKey.id);
        expect(successor).not.toBeNull();
        expect(await check(rotated.key)).toBe('invalid_api_key');
        expect(await check(successor?.key ?? '')).toBe('ok');

        for (const heard of [heardBefore, heardAfter, changes]) {
          for (const hash of hashes) expect(heard).toContainEqual({ hash });
        }
      } finally {
        auth.close();
        for (const stop of stops) stop();
      }
    });

    it('stores names and scopes exactly, unicode and quotes included', async () => {
      const scope = freshScope();
      const weird = `é "quoted" 'single' \\ back, comma {brace} 🔑 日本`;
      const scopesIn = ['a,b', '"q"', '{x}', 'back\\slash', 'NULL', '*'];
      const { key } = await store.create({ ...scope, name: weird, scopes: scopesIn });
      const found = await store.findByHash(hashApiKey(key));
      expect(found?.name).toBe(weird);
      expect(found?.scopes).toEqual(scopesIn);
    });

    it('refuses bad input exactly as core MemoryKeyStore does (create)', async () => {
      const reference = new MemoryKeyStore({ now });
      await fc.assert(
        fc.asyncProperty(createInput, async (input) => {
          const expected = await outcome(() => reference.create(input as never));
          const actual = await outcome(() => store.create(input as never));
          expect(actual.ok).toBe(expected.ok);
          if (!actual.ok && !expected.ok) expect(actual).toEqual(expected);
          if (actual.ok && expected.ok) {
            const got = (actual.value as { apiKey: ApiKeyRecord }).apiKey;
            const want = (expected.value as { apiKey: ApiKeyRecord }).apiKey;
            expect(comparable(got)).toEqual(comparable(want));
          }
        }),
        { numRuns: 60 },
      );
    });

    it('refuses bad scopes, ids, updates, paging and grace exactly as core does', async () => {
      const reference = new MemoryKeyStore({ now });
      const scope = freshScope();
      const mine = await store.create({ ...scope, name: 'target' });
      const theirs = await reference.create({ ...scope, name: 'target' });
      const scopeArb = fc.oneof(
        fc.constant(scope),
        fc.record({ tenantId: identifier, environmentId: identifier }),
        fc.anything(),
      );
      const update = fc.oneof(
        fc.record({ name, active: fc.oneof(fc.boolean(), fc.anything()) }, { requiredKeys: [] }),
        fc.record({ name, other: fc.anything() }),
        fc.anything(),
      );
      const paging = fc.oneof(
        fc.record(
          {
            limit: fc.oneof(fc.integer({ min: -5, max: 120 }), fc.double(), fc.anything()),
            offset: fc.oneof(fc.integer({ min: -5, max: 20 }), fc.anything()),
          },
          { requiredKeys: [] },
        ),
        fc.anything(),
      );
      const grace = fc.oneof(
        fc.record(
          { gracePeriodSeconds: fc.oneof(fc.integer({ min: -10, max: 40 * 24 * 3600 }), fc.double(), fc.anything()) },
          { requiredKeys: [] },
        ),
        fc.anything(),
      );
      await fc.assert(
        fc.asyncProperty(scopeArb, update, paging, grace, async (s, u, p, g) => {
          const pairs: [() => Promise<unknown>, () => Promise<unknown>][] = [
            [() => reference.get(s as KeyScope, theirs.apiKey.id), () => store.get(s as KeyScope, mine.apiKey.id)],
            [() => reference.list(s as KeyScope, p as never), () => store.list(s as KeyScope, p as never)],
            // A missing id, so nothing changes: only whether the input is refused is compared.
            [
              () => reference.update(s as KeyScope, 'key_none', u as never),
              () => store.update(s as KeyScope, 'key_none', u as never),
            ],
            [
              () => reference.rotate(s as KeyScope, 'key_none', g as never),
              () => store.rotate(s as KeyScope, 'key_none', g as never),
            ],
            [() => reference.revoke(s as KeyScope, 'key_none'), () => store.revoke(s as KeyScope, 'key_none')],
          ];
          for (const [ref, actual] of pairs) {
            const want = await outcome(ref);
            const got = await outcome(actual);
            expect(got.ok).toBe(want.ok);
            if (!got.ok) expect(got).toEqual(want);
          }
        }),
        { numRuns: 40 },
      );
    });

    it('refuses names no store could keep as given, or that would disguise a terminal (NUL, lone surrogates, ESC, CR/LF, RLO), like core', async () => {
      const scope = freshScope();
      const { apiKey } = await store.create({ ...scope, name: 'ok' });
      for (const bad of ['a\u0000b', 'half \ud800 pair', 'esc \u001b[2J', 'two\r\nlines', 'evil\u202etxt.exe']) {
        await expect(store.create({ ...scope, name: bad })).rejects.toThrow(TypeError);
        await expect(store.update(scope, apiKey.id, { name: bad })).rejects.toThrow(TypeError);
      }
      expect((await store.list(scope)).items.map((k) => k.name)).toEqual(['ok']);
    });
  });
}

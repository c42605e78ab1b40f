import { inspect } from 'node:util';
import { expect } from 'vitest';
import type { KeyChange, KeyStore, StoredApiKey } from '../src/key-store.js';

/** A clock the test moves by hand, in both shapes core takes (`Date` and milliseconds). */
export function manualClock(start = Date.parse('2030-01-01T00:00:00.000Z')) {
  let ms = start;
  return {
    date: () => new Date(ms),
    ms: () => ms,
    advance(byMs: number) {
      ms += byMs;
    },
  };
}

/** The tenant and environment most tests work in. */
export const scope = { tenantId: 't1', environmentId: 'prod' } as const;

/** Asserts that `secret` shows in neither JSON.stringify nor a deep util.inspect of `value`. */
export function expectNotRevealed(value: unknown, secret: string): void {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  expect(json ?? '').not.toContain(secret);
  expect(inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true })).not.toContain(secret);
}

/** A record as a store would keep it, for stores built by hand in tests. */
export function storedKey(overrides: Partial<StoredApiKey> & Pick<StoredApiKey, 'hash'>): StoredApiKey {
  const at = new Date('2030-01-01T00:00:00.000Z');
  return {
    id: 'key_test',
    name: 'test',
    type: 'private_key',
    displayId: 'abcdef***01',
    tenantId: 't1',
    environmentId: 'prod',
    userId: null,
    scopes: [],
    active: true,
    expiresAt: null,
    lastUsedAt: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

/**
 * A hand-made KeyStore over a map of records, counting lookups, with a switch to make it fail
 * and a way to emit changes, for the authenticator's and cache's tests.
 */
export function fakeStore(records: StoredApiKey[] = []) {
  const byHash = new Map(records.map((r) => [r.hash, r]));
  const listeners = new Set<(change: KeyChange) => void>();
  const state = { lookups: 0, failWith: null as unknown, changesReliable: true as boolean };
  const store: KeyStore & { readonly changesReliable: boolean } = {
    async findByHash(hash) {
      state.lookups += 1;
      if (state.failWith !== null) throw state.failWith;
      return byHash.get(hash) ?? null;
    },
    watch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get changesReliable() {
      return state.changesReliable;
    },
  };
  return {
    store,
    state,
    byHash,
    listeners,
    emit(change: KeyChange) {
      for (const listener of listeners) listener(change);
    },
  };
}

// Attacks on the failure limiter: pipelining past it, locking out valid keys behind a shared
// address, and churning addresses until a locked one is forgotten.
// Core cannot depend on test-kit (which depends on core): its reliability helper by path.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attempts } from '../../../test-kit/src/reliability.js';
import { createApiKeyGuard } from '../../src/api-key-guard.js';
import { createFailureLimiter } from '../../src/failure-limiter.js';
import { generateApiKey } from '../../src/generate-api-key.js';
import { hashApiKey } from '../../src/hash-api-key.js';
import type { KeyStore, StoredApiKey } from '../../src/key-store.js';
import { storedKey } from '../helpers.js';

const KEY = generateApiKey();

/** A store whose lookups all wait until `release()`, as a slow database's would. */
function slowStore(records: StoredApiKey[] = [storedKey({ hash: hashApiKey(KEY) })]) {
  const byHash = new Map(records.map((r) => [r.hash, r]));
  const waiting: (() => void)[] = [];
  let lookups = 0;
  const store: KeyStore = {
    findByHash(hash) {
      lookups += 1;
      return new Promise((resolve) => waiting.push(() => resolve(byHash.get(hash) ?? null)));
    },
  };
  return {
    store,
    lookups: () => lookups,
    release() {
      for (const go of waiting.splice(0)) go();
    },
  };
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('failure limiter under attack', () => {
  it('counts attempts before they are checked: pipelined guesses in flight cannot pass the limit', async () => {
    const slow = slowStore();
    const guard = createApiKeyGuard({ store: slow.store, failureLimit: { max: 5, windowMs: 60_000 } });
    const guesses = attempts(100, 2_000);
    const pending = Array.from({ length: guesses }, () =>
      guard.check({ headers: { 'x-api-key': generateApiKey() }, clientAddress: '10.0.0.1' }),
    );
    slow.release();
    const results = await Promise.all(pending);
    const codes = results.map((r) => (r.ok ? 'ok' : r.error.code));
    expect(codes.filter((c) => c === 'invalid_api_key')).toHaveLength(5);
    expect(codes.filter((c) => c === 'too_many_requests')).toHaveLength(guesses - 5);
    // The refused ones never reached the store.
    expect(slow.lookups()).toBe(5);
  });

  it('does not refuse a valid key the cache knows because others at its address failed', async () => {
    const slow = slowStore();
    const guard = createApiKeyGuard({ store: slow.store, failureLimit: { max: 3, windowMs: 60_000 } });
    const first = guard.check({ headers: { 'x-api-key': KEY }, clientAddress: '192.0.2.1' });
    slow.release();
    expect((await first).ok).toBe(true);
    for (let i = 0; i < 3; i++) {
      const guess = guard.check({ headers: { 'x-api-key': generateApiKey() }, clientAddress: '192.0.2.1' });
      slow.release();
      await guess;
    }
    const guess = await guard.check({ headers: { 'x-api-key': generateApiKey() }, clientAddress: '192.0.2.1' });
    expect(!guess.ok && guess.error.code).toBe('too_many_requests');
    // The valid key behind the same NAT still gets through, from the cache, without a lookup.
    const before = slow.lookups();
    for (let i = 0; i < attempts(10, 200); i++) {
      const valid = await guard.check({ headers: { 'x-api-key': KEY }, clientAddress: '192.0.2.1' });
      expect(valid.ok).toBe(true);
    }
    expect(slow.lookups()).toBe(before);
  });

  it('lets a valid key the cache does not know through a locked address after at most one probe interval', async () => {
    const fresh = generateApiKey();
    const slow = slowStore([storedKey({ hash: hashApiKey(fresh) })]);
    const guard = createApiKeyGuard({ store: slow.store, failureLimit: { max: 3, windowMs: 60_000 } });
    const at = (key: string) => {
      const pending = guard.check({ headers: { 'x-api-key': key }, clientAddress: '192.0.2.9' });
      slow.release();
      return pending;
    };
    for (let i = 0; i < 3; i++) await at(generateApiKey());
    // Locked: a guess and the brand-new key alike wait; one lookup per window / max is allowed.
    vi.advanceTimersByTime(20_000);
    const probe = await at(fresh);
    expect(probe.ok).toBe(true);
    // A guess spends the next probe: it is answered 429 like any other while locked.
    vi.advanceTimersByTime(20_000);
    const lookups = slow.lookups();
    const guess = await at(generateApiKey());
    expect(!guess.ok && guess.error.code).toBe('too_many_requests');
    expect(slow.lookups()).toBe(lookups + 1);
    const next = await at(generateApiKey());
    expect(!next.ok && next.error.code).toBe('too_many_requests');
    expect(slow.lookups()).toBe(lookups + 1);
  });

  it('keeps a locked address locked while thousands of other addresses fail', () => {
    const limiter = createFailureLimiter({ max: 2, windowMs: 60_000, maxClients: 1_000 });
    limiter.recordFailure('203.0.113.7');
    limiter.recordFailure('203.0.113.7');
    expect(limiter.retryAfter('203.0.113.7')).toBeGreaterThan(0);
    for (let i = 0; i < attempts(5_000, 50_000); i++)
      limiter.recordFailure(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`);
    expect(limiter.retryAfter('203.0.113.7')).toBeGreaterThan(0);
  });
});

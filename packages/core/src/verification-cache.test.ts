import { describe, expect, it } from 'vitest';
import { manualClock, storedKey } from '../test/helpers.js';
import { createVerificationCache } from './verification-cache.js';

const hash = (n: number) => n.toString(16).padStart(64, '0');

describe('createVerificationCache', () => {
  it('misses with undefined, and hands back what was set: a record or null', () => {
    const cache = createVerificationCache();
    const record = storedKey({ hash: hash(1) });
    expect(cache.get(hash(1))).toBeUndefined();
    cache.set(hash(1), record);
    cache.set(hash(2), null);
    expect(cache.get(hash(1))).toBe(record);
    expect(cache.get(hash(2))).toBeNull();
    expect(cache.size).toBe(2);
  });

  it('forgets a found key after ttlMs, and an unknown one after negativeTtlMs', () => {
    const clock = manualClock();
    const cache = createVerificationCache({ ttlMs: 1000, negativeTtlMs: 100, now: clock.ms });
    cache.set(hash(1), storedKey({ hash: hash(1) }));
    cache.set(hash(2), null);
    clock.advance(99);
    expect(cache.get(hash(2))).toBeNull();
    clock.advance(1);
    expect(cache.get(hash(2))).toBeUndefined();
    expect(cache.get(hash(1))).not.toBeUndefined();
    clock.advance(899);
    expect(cache.get(hash(1))).not.toBeUndefined();
    clock.advance(1);
    expect(cache.get(hash(1))).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('defaults to 30 s for found keys and 5 s for unknown ones', () => {
    const clock = manualClock();
    const cache = createVerificationCache({ now: clock.ms });
    cache.set(hash(1), storedKey({ hash: hash(1) }));
    cache.set(hash(2), null);
    clock.advance(4_999);
    expect(cache.get(hash(2))).toBeNull();
    clock.advance(1);
    expect(cache.get(hash(2))).toBeUndefined();
    clock.advance(24_999);
    expect(cache.get(hash(1))).toBeDefined();
    clock.advance(1);
    expect(cache.get(hash(1))).toBeUndefined();
  });

  it('a set restarts the TTL', () => {
    const clock = manualClock();
    const cache = createVerificationCache({ ttlMs: 100, now: clock.ms });
    cache.set(hash(1), storedKey({ hash: hash(1) }));
    clock.advance(90);
    cache.set(hash(1), storedKey({ hash: hash(1) }));
    clock.advance(90);
    expect(cache.get(hash(1))).toBeDefined();
  });

  it('is bounded: past maxEntries the least recently used goes first', () => {
    const cache = createVerificationCache({ maxEntries: 3 });
    for (const n of [1, 2, 3]) cache.set(hash(n), null);
    // Reading 1 makes 2 the least recently used.
    expect(cache.get(hash(1))).toBeNull();
    cache.set(hash(4), null);
    expect(cache.size).toBe(3);
    expect(cache.get(hash(2))).toBeUndefined();
    expect(cache.get(hash(1))).toBeNull();
    expect(cache.get(hash(3))).toBeNull();
    expect(cache.get(hash(4))).toBeNull();
    for (let n = 10; n < 1000; n += 1) cache.set(hash(n), null);
    expect(cache.size).toBe(3);
  });

  it('invalidate(hash) forgets one entry, clear() all', () => {
    const cache = createVerificationCache();
    cache.set(hash(1), null);
    cache.set(hash(2), null);
    cache.invalidate(hash(1));
    expect(cache.get(hash(1))).toBeUndefined();
    expect(cache.get(hash(2))).toBeNull();
    cache.invalidate(hash(99));
    cache.clear();
    expect(cache.size).toBe(0);
  });

  it('a TTL or size of 0 turns that part off', () => {
    const noNegative = createVerificationCache({ negativeTtlMs: 0 });
    noNegative.set(hash(1), null);
    noNegative.set(hash(2), storedKey({ hash: hash(2) }));
    expect(noNegative.get(hash(1))).toBeUndefined();
    expect(noNegative.get(hash(2))).toBeDefined();
    const empty = createVerificationCache({ maxEntries: 0 });
    empty.set(hash(1), storedKey({ hash: hash(1) }));
    expect(empty.size).toBe(0);
  });

  it('throws at setup, naming the bad option', () => {
    for (const name of ['maxEntries', 'ttlMs', 'negativeTtlMs']) {
      for (const value of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => createVerificationCache({ [name]: value })).toThrow(new RegExp(name));
      }
    }
  });
});

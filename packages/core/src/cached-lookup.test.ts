import { describe, expect, it } from 'vitest';
import { storedKey } from '../test/helpers.js';
import { createCachedLookup, LOOKUP_REFUSED } from './cached-lookup.js';
import type { KeyChange, StoredApiKey } from './key-store.js';

function source(records: StoredApiKey[]) {
  const byHash = new Map(records.map((r) => [r.hash, r]));
  const waiting: (() => void)[] = [];
  const listeners = new Set<(change: KeyChange) => void>();
  let finds = 0;
  return {
    finds: () => finds,
    byHash,
    release: () => {
      for (const go of waiting.splice(0)) go();
    },
    emit: (change: KeyChange) => {
      for (const listener of listeners) listener(change);
    },
    source: {
      find(hash: string) {
        finds += 1;
        // Read when released, as a database answers with the row as it is then.
        return new Promise<StoredApiKey | null>((resolve) => waiting.push(() => resolve(byHash.get(hash) ?? null)));
      },
      watch(listener: (change: KeyChange) => void) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      reliable: () => true,
    },
  };
}

const HASH = 'a'.repeat(64);

describe('createCachedLookup', () => {
  it('answers from the cache synchronously, without a promise', async () => {
    const s = source([storedKey({ hash: HASH })]);
    const lookup = createCachedLookup(s.source, true);
    const first = lookup.lookUp(HASH);
    expect(first).toBeInstanceOf(Promise);
    s.release();
    await first;
    const cached = lookup.lookUp(HASH);
    expect(cached).not.toBeInstanceOf(Promise);
    expect((cached as StoredApiKey).hash).toBe(HASH);
  });

  it('shares one store query among concurrent lookups of one hash', async () => {
    const s = source([storedKey({ hash: HASH })]);
    const lookup = createCachedLookup(s.source, true);
    const answers = [lookup.lookUp(HASH), lookup.lookUp(HASH), lookup.lookUp(HASH)];
    expect(s.finds()).toBe(1);
    s.release();
    for (const answer of await Promise.all(answers)) expect((answer as StoredApiKey).hash).toBe(HASH);
  });

  it('never lets a lookup that starts after a change join one from before it', async () => {
    const s = source([storedKey({ hash: HASH })]);
    const lookup = createCachedLookup(s.source, true);
    const before = lookup.lookUp(HASH);
    // Revoked while the first query is in flight: a request that starts now asks anew.
    s.byHash.delete(HASH);
    s.emit({ hash: HASH });
    const after = lookup.lookUp(HASH);
    expect(s.finds()).toBe(2);
    s.release();
    await before;
    expect(await after).toBeNull();
  });

  it('asks the gate only before a new store query, and answers LOOKUP_REFUSED when it says no', async () => {
    const s = source([storedKey({ hash: HASH })]);
    const lookup = createCachedLookup(s.source, true);
    let asked = 0;
    expect(
      lookup.lookUp(HASH, {
        open: () => {
          asked += 1;
          return false;
        },
      }),
    ).toBe(LOOKUP_REFUSED);
    expect(s.finds()).toBe(0);
    const first = lookup.lookUp(HASH, {
      open: () => {
        asked += 1;
        return true;
      },
    });
    // Joining the query in flight and reading the cache need no gate.
    const joined = lookup.lookUp(HASH, {
      open: () => {
        asked += 1;
        return false;
      },
    });
    s.release();
    await Promise.all([first, joined]);
    lookup.lookUp(HASH, {
      open: () => {
        asked += 1;
        return false;
      },
    });
    expect(asked).toBe(2);
  });
});

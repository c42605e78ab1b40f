// The attack: many rotations of one key at once, with a grace period, from one instance or
// several sharing a database. Each would hand out a working plaintext, so every one beyond the
// first is a key nobody asked to keep. Exactly one may succeed; the others are refused, whichever
// instance they reach and however they interleave.
import { randomBytes } from 'node:crypto';
import { hashApiKey, isApiKeyError, type ManagedKeyStore, MemoryKeyStore } from '@keyward/core';
import { createTestDatabase, pgSkipReason } from '@keyward/test-kit/pg-test-db';
import { attempts } from '@keyward/test-kit/reliability';
import { afterAll, describe, expect, it } from 'vitest';
import { createPostgresKeyStore, type PostgresKeyStore } from '../../src/index.js';

const RACERS = 20;

/**
 * Creates a key, rotates it RACERS times at once (spread over `stores`, which share one
 * database) and checks that one rotation made the one successor and every other was refused:
 * 409 `conflict` with a grace period, a missing key (404) without one, since the old key is gone.
 */
async function race(stores: ManagedKeyStore[], gracePeriodSeconds: number): Promise<void> {
  const scope = { tenantId: `t_${randomBytes(6).toString('hex')}`, environmentId: 'prod' };
  const old = await stores[0]!.create({ ...scope, name: 'raced', scopes: ['*'] });
  const results = await Promise.allSettled(
    Array.from({ length: RACERS }, (_, i) =>
      stores[i % stores.length]!.rotate(scope, old.apiKey.id, { gracePeriodSeconds }),
    ),
  );
  const successors = results.flatMap((r) => (r.status === 'fulfilled' && r.value !== null ? [r.value] : []));
  expect(successors).toHaveLength(1);
  const successor = successors[0]!;
  for (const r of results) {
    if (r.status === 'fulfilled') {
      if (r.value !== successor) expect(r.value).toBeNull();
      continue;
    }
    expect(isApiKeyError(r.reason), String(r.reason)).toBe(true);
    expect(r.reason).toMatchObject({ code: 'conflict', status: 409 });
    expect(gracePeriodSeconds).toBeGreaterThan(0);
  }
  // What the database holds: the successor, and the old key only while it is in its grace.
  for (const store of stores) {
    const page = await store.list(scope);
    expect(page.items.map((k) => k.id).sort()).toEqual(
      (gracePeriodSeconds > 0 ? [old.apiKey.id, successor.apiKey.id] : [successor.apiKey.id]).sort(),
    );
  }
  const stored = await stores[0]!.findByHash(hashApiKey(old.key));
  expect(stored === null ? null : stored.successorId).toBe(gracePeriodSeconds > 0 ? successor.apiKey.id : null);
}

async function raceRounds(stores: ManagedKeyStore[]): Promise<void> {
  for (let round = 0; round < attempts(2, 20); round++) {
    await race(stores, 3600);
    await race(stores, 0);
  }
}

describe('rotations of one key at once: exactly one successor', () => {
  it('on core MemoryKeyStore', async () => {
    await raceRounds([new MemoryKeyStore()]);
  });

  it('on PGlite', async () => {
    const store = await createPostgresKeyStore({ dataDir: 'memory://', onError: () => {} });
    try {
      await raceRounds([store]);
    } finally {
      await store.close();
    }
  });

  describe('on a PostgreSQL server, two instances', async () => {
    const db = await createTestDatabase();
    if (db === null) {
      it.skip(pgSkipReason, () => {});
      return;
    }
    const open: PostgresKeyStore[] = [];
    afterAll(async () => {
      await Promise.all(open.map((s) => s.close()));
      await db.drop();
    });

    it('refuses all but one of the rotations spread over both instances', async () => {
      for (let i = 0; i < 2; i++) {
        open.push(await createPostgresKeyStore({ connectionString: db.url, onError: () => {} }));
      }
      await raceRounds(open);
    });
  });
});

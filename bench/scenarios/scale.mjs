// 6. Scale: the cost of a verification with 10, 10k and 1M keys in the memory store, and with
// 10 and 1M rows in PostgreSQL, the cache bounded (its default 10,000 entries). Cost must not
// grow with the number of keys: each row compares a size with the smallest under the same
// workload (the same number of hot keys, taken from the store), cache on and off.
import { createAuthenticator, MemoryKeyStore } from '@keyward/core';
import { createPostgresKeyStore } from '@keyward/store-postgres';
import pg from 'pg';
import { dropDatabase, freshDatabase } from '../lib/database.mjs';
import { row } from '../lib/rows.mjs';
import { fmt, interleave, median } from '../lib/stats.mjs';

const WORKING_SET = 10;
const scope = { tenantId: 'bench', environmentId: 'bench' };

async function measure(auth, keys, ops) {
  const headers = keys.map((key) => ({ 'x-api-key': key }));
  const start = process.hrtime.bigint();
  for (let i = 0; i < ops; i++) {
    const result = await auth.authenticate(headers[i % headers.length]);
    if (!result.ok) throw new Error(`scale bench: ${result.error.code}`);
  }
  return Number(process.hrtime.bigint() - start) / ops / 1000;
}

async function memoryStoreOf(size) {
  const store = new MemoryKeyStore();
  const keys = [];
  for (let i = 0; i < size; i++) {
    const { key } = await store.create({ ...scope, name: `k${i}` });
    if (keys.length < WORKING_SET) keys.push(key);
  }
  return { store, keys };
}

export async function run({ rounds, ops, scaleSizes, pgRows, log }) {
  const rows = [];
  const variants = [];
  const rssBefore = process.memoryUsage().rss;
  for (const size of scaleSizes) {
    const started = Date.now();
    const { store, keys } = await memoryStoreOf(size);
    log(
      `  memory store with ${size} keys built in ${Date.now() - started} ms, RSS ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
    );
    for (const cache of [true, false]) {
      variants.push({
        name: `memory ${size} cache ${cache ? 'on' : 'off'}`,
        size,
        cache,
        auth: createAuthenticator({ store, cache }),
        keys,
      });
    }
  }
  const rssAfter = process.memoryUsage().rss;
  const url = pgRows > 0 ? await freshDatabase('keyward_bench_scale') : null;
  const pgStores = [];
  if (url) {
    const store = await createPostgresKeyStore({ connectionString: url });
    pgStores.push(store);
    const keys = [];
    for (let i = 0; i < Math.min(WORKING_SET, 100); i++)
      keys.push((await store.create({ ...scope, name: `k${i}` })).key);
    // A second database with as many rows as asked, filled by the server itself.
    const bigUrl = await freshDatabase('keyward_bench_scale_big');
    const big = await createPostgresKeyStore({ connectionString: bigUrl });
    pgStores.push(big);
    const bigKeys = [];
    while (bigKeys.length < keys.length) bigKeys.push((await big.create({ ...scope, name: 'known' })).key);
    const started = Date.now();
    const client = new pg.Client({ connectionString: bigUrl });
    await client.connect();
    const columns = await client.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'keyward_api_keys' ORDER BY ordinal_position`,
    );
    const names = columns.rows.map((r) => r.column_name);
    // Copy a known row's values, with a distinct id, hash and display id per row.
    const select = names
      .map((n) =>
        n === 'id'
          ? `'key_bench' || g AS id`
          : n === 'hash'
            ? `md5(g::text) || md5((g + 1)::text) AS hash`
            : n === 'display_id'
              ? `'bench***' || g AS display_id`
              : n,
      )
      .join(', ');
    await client.query(
      `INSERT INTO keyward_api_keys (${names.join(', ')}) SELECT ${select} FROM (SELECT * FROM keyward_api_keys LIMIT 1) AS known, generate_series(1, $1) AS g`,
      [pgRows],
    );
    await client.query('ANALYZE keyward_api_keys');
    await client.end();
    log(`  PostgreSQL with ${pgRows} rows filled in ${Date.now() - started} ms`);
    variants.push(
      { name: `postgres 100 cache off`, size: 100, pg: true, auth: createAuthenticator({ store, cache: false }), keys },
      {
        name: `postgres ${pgRows} cache off`,
        size: pgRows,
        pg: true,
        auth: createAuthenticator({ store: big, cache: false }),
        keys: bigKeys,
      },
    );
  } else if (pgRows > 0) log('  no PostgreSQL server at DATABASE_URL: its rows are left out');
  try {
    const opsFor = (v) => (v.pg ? Math.max(200, Math.floor(ops / 100)) : ops);
    for (const v of variants) await measure(v.auth, v.keys, Math.min(1_000, opsFor(v)));
    const samples = await interleave(variants, rounds, (v) => measure(v.auth, v.keys, opsFor(v)));
    const us = (name) => median(samples.get(name));
    for (const v of variants) log(`  scale ${v.name}: ${fmt(us(v.name))} µs/op`);
    const smallest = scaleSizes[0];
    for (const size of scaleSizes.slice(1)) {
      for (const cache of ['on', 'off']) {
        const name = `memory ${size} cache ${cache}`;
        const base = `memory ${smallest} cache ${cache}`;
        rows.push(
          row({
            group: 'scale',
            scenario: `memory store, ${size.toLocaleString('en')} keys vs ${smallest}, cache ${cache}`,
            keyward: us(name),
            baseline: us(base),
            unit: 'µs/op',
            ratio: us(base) / us(name),
            min: 0.8,
            notes:
              size === scaleSizes.at(-1)
                ? `RSS grew ${((rssAfter - rssBefore) / 2 ** 20).toFixed(0)} MB for all memory stores`
                : '',
          }),
        );
      }
    }
    if (url) {
      const bigName = `postgres ${pgRows} cache off`;
      rows.push(
        row({
          group: 'scale',
          scenario: `PostgreSQL, ${pgRows.toLocaleString('en')} rows vs 100, cache off`,
          keyward: us(bigName),
          baseline: us('postgres 100 cache off'),
          unit: 'µs/op',
          ratio: us('postgres 100 cache off') / us(bigName),
          min: 0.8,
        }),
      );
    }
  } finally {
    for (const v of variants) v.auth.close();
    for (const s of pgStores) await s.close();
    if (url) {
      await dropDatabase('keyward_bench_scale');
      await dropDatabase('keyward_bench_scale_big');
    }
  }
  return rows;
}

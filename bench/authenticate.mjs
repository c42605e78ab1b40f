// Side-by-side cost of one authentication, by store and with the verification cache on or
// off. Rounds are interleaved so that whatever else the (small, shared) machine is doing hits
// every variant alike; what matters is the ratio column, not the absolute numbers.
//
//   pnpm build && node bench/authenticate.mjs        (DATABASE_URL for the server rows)
import { createAuthenticator, MemoryKeyStore } from '@keyward/core';
import { createPostgresKeyStore } from '@keyward/store-postgres';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const OPS = Number(process.env.OPS ?? 2000);
const scope = { tenantId: 'bench', environmentId: 'bench' };

async function variant(name, store, cache) {
  const { key } = await store.create({ ...scope, name });
  const auth = createAuthenticator({ store, cache });
  return { name, auth, headers: { 'x-api-key': key }, samples: [] };
}

const stores = [];
const variants = [];
const memory = new MemoryKeyStore();
variants.push(await variant('memory, cache on', memory, true), await variant('memory, cache off', memory, false));
const pglite = await createPostgresKeyStore({ dataDir: 'memory://' });
stores.push(pglite);
variants.push(await variant('PGlite, cache on', pglite, true), await variant('PGlite, cache off', pglite, false));
const url = process.env.DATABASE_URL;
if (url) {
  try {
    const server = await createPostgresKeyStore({ connectionString: url });
    stores.push(server);
    variants.push(
      await variant('PostgreSQL, cache on', server, true),
      await variant('PostgreSQL, cache off', server, false),
    );
  } catch (err) {
    console.log(`PostgreSQL rows left out: ${err.message}`);
  }
}

for (let round = 0; round < ROUNDS; round++) {
  for (const v of variants) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < OPS; i++) {
      const result = await v.auth.authenticate(v.headers);
      if (!result.ok) throw new Error(`${v.name}: ${result.error.code}`);
    }
    v.samples.push(Number(process.hrtime.bigint() - start) / OPS / 1000);
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const base = median(variants[0].samples);
console.log(`median µs per authentication over ${ROUNDS} interleaved rounds of ${OPS}`);
console.log('variant'.padEnd(24), 'µs/op'.padStart(10), 'x memory+cache'.padStart(16));
for (const v of variants) {
  const m = median(v.samples);
  console.log(v.name.padEnd(24), m.toFixed(2).padStart(10), (m / base).toFixed(1).padStart(16));
}
for (const v of variants) v.auth.close();
for (const s of stores) await s.close();

// The reference server as main.js builds it (one store for keys, sessions and webhooks, the
// development key on, request logs at info), on PGlite or on PostgreSQL, with the verification
// cache on or off. Off is a store that says its changes are not reliable, which is exactly when
// the authenticator bypasses its cache: every request asks the database.
//   variant: pglite-cache | pglite-nocache | postgres-cache | postgres-nocache, and
//   postgres-cache-nolimit (the failure limiter off: the revocation bench's client sees a 401
//   per revoked key, and would be locked out after twenty of them, as it should be), and
//   pglite-nocache-turbofan (PGlite's WebAssembly on V8's optimizing compiler, which main.js
//   leaves off to save idle memory)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_API_KEY } from '@keyward/core';
import { createPostgresKeyStore } from '@keyward/store-postgres';
import { createApp } from '../../apps/server/dist/create-app.js';
import { useBaselineWasmCompiler } from '../../apps/server/dist/wasm-compiler.js';
import { listening, variant } from './serve.mjs';

const [engine, cache, option] = variant.split('-');
let dataDir = null;
let store;
if (engine === 'pglite') {
  // As main.js does, before PGlite compiles its module.
  if (option !== 'turbofan') useBaselineWasmCompiler();
  dataDir = mkdtempSync(join(tmpdir(), 'keyward-bench-'));
  store = await createPostgresKeyStore({ dataDir });
} else if (engine === 'postgres') {
  store = await createPostgresKeyStore({ connectionString: process.env.BENCH_DATABASE_URL });
} else throw new Error(`unknown variant ${variant}`);

const keys =
  cache === 'nocache'
    ? new Proxy(store, {
        get: (target, name) => {
          if (name === 'changesReliable') return false;
          const value = Reflect.get(target, name, target);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      })
    : store;
const app = createApp({
  storage: { keys, sessions: store, webhooks: store },
  devKey: true,
  ...(option === 'nolimit' ? { failureLimit: false } : {}),
  logger: { level: 'info', file: '/dev/null' },
});
await app.listen({ port: 0, host: '127.0.0.1' });
// A key of the database (the development key is answered from memory, before the database).
const created = await app.inject({
  method: 'POST',
  url: '/v1/secrets/api/keys',
  headers: { 'x-api-key': DEV_API_KEY },
  payload: { name: 'bench', scopes: ['keys:read'] },
});
if (created.statusCode !== 201) throw new Error(`creating the bench key: ${created.statusCode} ${created.body}`);
listening(app.server.address().port, {
  info: { key: created.json().api_key, devKey: DEV_API_KEY },
  close: async () => {
    await app.close();
    await store.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  },
});

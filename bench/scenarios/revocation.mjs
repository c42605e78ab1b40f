// 5. Revocation between two instances on one PostgreSQL: while a key is under load on B, it is
// revoked on A; measured from A's 204 to B's first 401, over many revocations. Also counted:
// any 200 on B for a request sent after the 204 (there must be none, once B has heard).
import { DEV_API_KEY } from '@keyward/core';
import { Agent, request } from 'undici';
import { startServer } from '../lib/child.mjs';
import { dropDatabase, freshDatabase } from '../lib/database.mjs';
import { row } from '../lib/rows.mjs';
import { fmt, percentile } from '../lib/stats.mjs';

const DB = 'keyward_bench_revocation';
const LOADERS = 4;

export async function run({ revocations, log }) {
  const url = await freshDatabase(DB);
  if (!url) {
    log('  no PostgreSQL server at DATABASE_URL: revocation left out');
    return [];
  }
  const env = { BENCH_DATABASE_URL: url };
  const a = await startServer('reference.mjs', 'postgres-cache-nolimit', env);
  const b = await startServer('reference.mjs', 'postgres-cache-nolimit', env);
  const dispatcher = new Agent({ connections: LOADERS + 2 });
  const call = async (server, method, path, key, body) => {
    const response = await request(`${server.url}${path}`, {
      method,
      dispatcher,
      headers: { 'x-api-key': key, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.body.text();
    return { status: response.statusCode, json: text ? JSON.parse(text) : null };
  };
  const latencies = [];
  let lateSuccesses = 0;
  try {
    for (let i = 0; i < revocations; i++) {
      const created = await call(a, 'POST', '/v1/secrets/api/keys', DEV_API_KEY, { name: `revoke-${i}` });
      if (created.status !== 201) throw new Error(`create on A: ${created.status}`);
      const key = created.json.api_key;
      const id = created.json.secret.id;
      let revokedAt = Number.POSITIVE_INFINITY;
      let firstRefusal = null;
      let warmed = 0;
      const loaders = Array.from({ length: LOADERS }, async () => {
        const deadline = performance.now() + 10_000;
        while (firstRefusal === null && performance.now() < deadline) {
          const sentAt = performance.now();
          const { status } = await call(b, 'GET', '/v1/me', key);
          const at = performance.now();
          if (status === 200) {
            warmed += 1;
            if (sentAt > revokedAt) lateSuccesses += 1;
          } else if (status === 401) {
            firstRefusal ??= at;
          } else throw new Error(`B answered ${status}`);
        }
      });
      // Under load (and cached on B) before the revocation; a loader that failed ends the run.
      let failed = null;
      const watching = Promise.all(loaders).catch((err) => {
        failed = err;
      });
      while (warmed < LOADERS * 3 && failed === null) await new Promise((resolve) => setTimeout(resolve, 1));
      if (failed !== null) throw failed;
      const deleted = await call(a, 'DELETE', `/v1/secrets/api/keys/${id}`, DEV_API_KEY);
      revokedAt = performance.now();
      if (deleted.status !== 204) throw new Error(`delete on A: ${deleted.status}`);
      await watching;
      if (failed !== null) throw failed;
      if (firstRefusal === null) throw new Error('B never refused the revoked key within 10 s');
      latencies.push(Math.max(0, firstRefusal - revokedAt));
    }
  } finally {
    await dispatcher.close();
    await Promise.all([a.stop(), b.stop()]);
    await dropDatabase(DB);
  }
  const p50 = percentile(latencies, 50);
  const p99 = percentile(latencies, 99);
  log(
    `  revocation over ${latencies.length}: p50 ${fmt(p50)} ms, p99 ${fmt(p99)} ms, max ${fmt(Math.max(...latencies))} ms`,
  );
  return [
    row({
      group: 'revocation',
      scenario: `A's 204 to B's first 401, p50 over ${latencies.length}`,
      keyward: p50,
      baseline: null,
      unit: 'ms',
    }),
    row({
      group: 'revocation',
      scenario: `A's 204 to B's first 401, p99 over ${latencies.length}`,
      keyward: p99,
      baseline: null,
      unit: 'ms',
      max: 20,
      notes: `${lateSuccesses} requests sent to B after the 204 were answered 200 (B had not heard yet)`,
    }),
  ];
}

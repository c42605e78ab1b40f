// 3. The reference server: GET /v1/me against GET /health on the same process, with the
// development key (answered from memory) and with a key of the database, on PGlite and on
// PostgreSQL, the verification cache on and off.
import { startServer } from '../lib/child.mjs';
import { dropDatabase, freshDatabase } from '../lib/database.mjs';
import { load } from '../lib/load.mjs';
import { row } from '../lib/rows.mjs';
import { interleave, medianOf, pairedRatio } from '../lib/stats.mjs';

const DB = 'keyward_bench_server';

export async function run({ seconds, rounds, log }) {
  const url = await freshDatabase(DB);
  // PGlite runs on V8's baseline WebAssembly compiler, as main.js sets it (its idle memory); the
  // TurboFan row, cache off so that every request reaches the database, shows what that costs.
  const variants = ['pglite-cache', 'pglite-nocache', 'pglite-nocache-turbofan'];
  if (url) variants.push('postgres-cache', 'postgres-nocache');
  else log('  no PostgreSQL server at DATABASE_URL: its rows are left out');
  const rows = [];
  for (const variant of variants) {
    const server = await startServer('reference.mjs', variant, url ? { BENCH_DATABASE_URL: url } : {});
    try {
      const targets = [
        { name: 'health', path: '/health', headers: {} },
        { name: 'me (database key)', path: '/v1/me', headers: { 'x-api-key': server.info.key } },
      ];
      // The development key is answered from memory whatever the store: measured once.
      if (variant === 'pglite-cache') {
        targets.push({ name: 'me (development key)', path: '/v1/me', headers: { 'x-api-key': server.info.devKey } });
      }
      for (const t of targets) await load(server, { ...t, seconds: Math.min(1, seconds) });
      const samples = await interleave(targets, rounds, async (t) => {
        const sample = await load(server, { ...t, seconds });
        log(`  server ${variant} ${t.name}: ${sample.rps.toFixed(0)} req/s, ${sample.cpuUs.toFixed(1)} µs CPU/req`);
        return sample;
      });
      const rps = (name) => medianOf(samples.get(name), 'rps');
      const cpu = (name) => medianOf(samples.get(name), 'cpuUs');
      for (const t of targets.slice(1)) {
        const [engine, cache, compiler] = variant.split('-');
        const cached = cache === 'cache';
        const database = engine === 'pglite' ? `PGlite${compiler === 'turbofan' ? ' on TurboFan' : ''}` : 'PostgreSQL';
        rows.push(
          row({
            group: 'server',
            scenario: `${database}, cache ${cached ? 'on' : 'off'}: GET /v1/me with the ${t.name.slice(4, -1)} vs GET /health`,
            keyward: rps(t.name),
            baseline: rps('health'),
            unit: 'req/s',
            ratio: pairedRatio(samples, t.name, 'health', 'rps'),
            ...(cached ? { min: 0.85 } : {}),
            notes: `CPU/req ${cpu(t.name).toFixed(1)} vs ${cpu('health').toFixed(1)} µs`,
          }),
        );
      }
    } finally {
      await server.stop();
    }
  }
  if (url) await dropDatabase(DB);
  return rows;
}

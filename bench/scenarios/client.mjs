// 4. The client: client.me() against a raw undici request() and global fetch of the same URL
// with the same header, 10 in flight, against one reference server. Measured in this process:
// requests per second and this process's CPU time per request (the client's own cost).
import { createClient } from '@keyward/client';
import { Agent, request } from 'undici';
import { startServer } from '../lib/child.mjs';
import { row } from '../lib/rows.mjs';
import { interleave, medianOf, pairedRatio } from '../lib/stats.mjs';

const IN_FLIGHT = 10;

async function drive(seconds, call) {
  const until = performance.now() + seconds * 1000;
  const cpuBefore = process.cpuUsage();
  let done = 0;
  await Promise.all(
    Array.from({ length: IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        await call();
        done += 1;
      }
    }),
  );
  const cpu = process.cpuUsage(cpuBefore);
  return { rps: done / seconds, cpuUs: (cpu.user + cpu.system) / done };
}

export async function run({ seconds, rounds, log }) {
  const server = await startServer('reference.mjs', 'pglite-cache');
  const key = server.info.key;
  const url = `${server.url}/v1/me`;
  const client = createClient({ apiKey: key, baseUrl: server.url });
  // The same connection limit as the client's own Agent (undici's default: no limit).
  const dispatcher = new Agent();
  const check = (me) => {
    if (me.tenantId === undefined && me.tenant_id === undefined) throw new Error('client bench: no tenant in /v1/me');
  };
  const variants = [
    { name: 'client.me()', call: async () => check(await client.me()) },
    {
      name: 'undici request()',
      call: async () => {
        const { statusCode, body } = await request(url, { headers: { 'x-api-key': key }, dispatcher });
        const me = await body.json();
        if (statusCode !== 200) throw new Error(`undici: ${statusCode}`);
        check(me);
      },
    },
    {
      name: 'fetch',
      call: async () => {
        const response = await fetch(url, { headers: { 'x-api-key': key } });
        const me = await response.json();
        if (response.status !== 200) throw new Error(`fetch: ${response.status}`);
        check(me);
      },
    },
  ];
  try {
    for (const v of variants) await drive(Math.min(1, seconds), v.call);
    const samples = await interleave(variants, rounds, async (v) => {
      const sample = await drive(seconds, v.call);
      log(`  client ${v.name}: ${sample.rps.toFixed(0)} req/s, ${sample.cpuUs.toFixed(1)} µs CPU/req`);
      return sample;
    });
    const rps = (name) => medianOf(samples.get(name), 'rps');
    const cpu = (name) => medianOf(samples.get(name), 'cpuUs');
    return [
      ['undici request()', 0.9],
      ['fetch', 1.0],
    ].map(([baseline, min]) =>
      row({
        group: 'client',
        scenario: `client.me() vs ${baseline}`,
        keyward: rps('client.me()'),
        baseline: rps(baseline),
        unit: 'req/s',
        ratio: pairedRatio(samples, 'client.me()', baseline, 'rps'),
        min,
        notes: `client CPU/req ${cpu('client.me()').toFixed(1)} vs ${cpu(baseline).toFixed(1)} µs`,
      }),
    );
  } finally {
    await dispatcher.close();
    await server.stop();
  }
}

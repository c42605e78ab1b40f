// 2. HTTP per framework, one trivial route: bare, keyward (failure limiter on and off), the peer.
import { startServer } from '../lib/child.mjs';
import { load } from '../lib/load.mjs';
import { row } from '../lib/rows.mjs';
import { interleave, medianOf, pairedRatio } from '../lib/stats.mjs';

const FRAMEWORKS = [
  {
    name: 'Fastify',
    script: 'fastify.mjs',
    variants: ['bare', 'keyward', 'keyward-nolimit', 'bearer-auth', 'hook'],
    peer: { variant: 'bearer-auth', label: '@fastify/bearer-auth', min: 1.0 },
    min: 0.9,
  },
  {
    name: 'Koa',
    script: 'koa.mjs',
    variants: ['bare', 'keyward', 'keyward-nolimit', 'hook'],
    min: 0.9,
  },
  {
    name: 'Express',
    script: 'express.mjs',
    variants: ['bare', 'keyward', 'keyward-nolimit', 'passport'],
    peer: { variant: 'passport', label: 'passport + passport-headerapikey', min: 1.0 },
    min: 0.9,
  },
];

function headersFor(variant, key) {
  return variant === 'bearer-auth' ? { authorization: `Bearer ${key}` } : { 'x-api-key': key };
}

export async function run({ seconds, rounds, log }) {
  const rows = [];
  for (const framework of FRAMEWORKS) {
    const servers = [];
    try {
      for (const name of framework.variants) {
        servers.push({ name, server: await startServer(framework.script, name) });
      }
      for (const { name, server } of servers) {
        await load(server, { headers: headersFor(name, server.info.key), seconds: Math.min(1, seconds) });
      }
      const samples = await interleave(servers, rounds, async ({ name, server }) => {
        const sample = await load(server, { headers: headersFor(name, server.info.key), seconds });
        log(`  ${framework.name} ${name}: ${sample.rps.toFixed(0)} req/s, ${sample.cpuUs.toFixed(1)} µs CPU/req`);
        return sample;
      });
      const rps = (name) => medianOf(samples.get(name), 'rps');
      const cpu = (name) => medianOf(samples.get(name), 'cpuUs');
      const note = (name, base) => `CPU/req ${cpu(name).toFixed(1)} vs ${cpu(base).toFixed(1)} µs`;
      for (const [variant, label] of [
        ['keyward', 'limiter on'],
        ['keyward-nolimit', 'limiter off'],
      ]) {
        rows.push(
          row({
            group: 'http',
            scenario: `${framework.name} + keyward (${label}) vs bare`,
            keyward: rps(variant),
            baseline: rps('bare'),
            unit: 'req/s',
            ratio: pairedRatio(samples, variant, 'bare', 'rps'),
            min: framework.min,
            notes: note(variant, 'bare'),
          }),
        );
      }
      if (framework.peer) {
        rows.push(
          row({
            group: 'http',
            scenario: `${framework.name} + keyward vs ${framework.peer.label}`,
            keyward: rps('keyward'),
            baseline: rps(framework.peer.variant),
            unit: 'req/s',
            ratio: pairedRatio(samples, 'keyward', framework.peer.variant, 'rps'),
            min: framework.peer.min,
            notes: note('keyward', framework.peer.variant),
          }),
        );
      }
      if (framework.variants.includes('hook')) {
        rows.push(
          row({
            group: 'http',
            scenario: `${framework.name} hand-written hash ${framework.name === 'Koa' ? 'middleware' : 'hook'} vs bare (reference)`,
            keyward: rps('hook'),
            baseline: rps('bare'),
            unit: 'req/s',
            ratio: pairedRatio(samples, 'hook', 'bare', 'rps'),
            notes: note('hook', 'bare'),
          }),
        );
      }
    } finally {
      await Promise.all(servers.map(({ server }) => server.stop()));
    }
  }
  return rows;
}

// 1. Core hot path: authenticate() on a cached valid key, an unknown key and a malformed key,
// against a bare SHA-256 of the same key (what a hand-written check costs at the least).
import { createHash } from 'node:crypto';
import { createAuthenticator, MemoryKeyStore } from '@keyward/core';
import { row } from '../lib/rows.mjs';
import { interleave, median, pairedRatio } from '../lib/stats.mjs';

export async function run({ rounds, ops, log }) {
  const store = new MemoryKeyStore();
  const { key } = await store.create({ tenantId: 'bench', environmentId: 'bench', name: 'bench' });
  const auth = createAuthenticator({ store });
  const unknown = 'f'.repeat(64);
  const malformed = 'z'.repeat(64);
  // Headers as Node hands them over: a dozen of them, the key among them.
  const headersWith = (value) => ({
    host: '127.0.0.1:3000',
    'user-agent': 'bench/1.0',
    accept: 'application/json',
    'accept-encoding': 'gzip, deflate',
    'accept-language': 'en',
    connection: 'keep-alive',
    'x-request-id': 'abc',
    'x-api-key': value,
    'content-type': 'application/json',
    'cache-control': 'no-cache',
  });
  const expectCode = async (headers, code) => {
    const result = await auth.authenticate(headers);
    const got = result.ok ? 'ok' : result.error.code;
    if (got !== code) throw new Error(`core bench: expected ${code}, got ${got}`);
  };
  const variants = [
    {
      name: 'bare sha256',
      async sample() {
        let sink = 0;
        const start = process.hrtime.bigint();
        for (let i = 0; i < ops; i++) sink += createHash('sha256').update(key).digest('hex').length;
        const ns = Number(process.hrtime.bigint() - start) / ops;
        if (sink !== ops * 64) throw new Error('unreachable');
        return ns;
      },
    },
    ...[
      ['valid key (cached)', headersWith(key), 'ok'],
      ['unknown key', headersWith(unknown), 'invalid_api_key'],
      ['malformed key', headersWith(malformed), 'invalid_api_key'],
    ].map(([name, headers, code]) => ({
      name,
      async sample() {
        await expectCode(headers, code);
        const start = process.hrtime.bigint();
        for (let i = 0; i < ops; i++) await auth.authenticate(headers);
        return Number(process.hrtime.bigint() - start) / ops;
      },
    })),
  ];
  for (const v of variants) await v.sample(); // warm-up
  const samples = await interleave(variants, rounds, (v) => v.sample());
  const ns = (name) => median(samples.get(name));
  for (const v of variants) log(`  core ${v.name}: ${(ns(v.name) / 1000).toFixed(2)} µs/op`);
  auth.close();
  const hash = ns('bare sha256');
  return [
    ['valid key (cached)', 0.8],
    ['unknown key', 0.8],
    ['malformed key', 1.0],
  ].map(([name, min]) =>
    row({
      group: 'core',
      scenario: `authenticate(), ${name}, rate vs a bare SHA-256`,
      keyward: ns(name) / 1000,
      baseline: hash / 1000,
      unit: 'µs/op',
      ratio: pairedRatio(samples, 'bare sha256', name),
      min,
      notes: name === 'malformed key' ? 'must cost less than one hash' : '',
    }),
  );
}

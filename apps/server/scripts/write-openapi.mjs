// Writes the OpenAPI document exactly as the built server serves it at GET /openapi.json, for
// `pnpm lint:openapi` and for anyone generating a client: `node scripts/write-openapi.mjs out.json`.
// Run `pnpm build` first; the server is built in memory and never listens.
import { writeFileSync } from 'node:fs';
import { MemoryKeyStore, MemorySessionStore, MemoryWebhookStore } from '@keyward/core';
import { createApp } from '../dist/create-app.js';

const out = process.argv[2];
if (out === undefined) {
  console.error('usage: node scripts/write-openapi.mjs <file.json>');
  process.exit(2);
}
const storage = { keys: new MemoryKeyStore(), sessions: new MemorySessionStore(), webhooks: new MemoryWebhookStore() };
const app = createApp({ storage, logger: false });
try {
  const response = await app.inject({ url: '/openapi.json' });
  if (response.statusCode !== 200) throw new Error(`GET /openapi.json answered ${response.statusCode}`);
  writeFileSync(out, `${JSON.stringify(response.json(), null, 2)}\n`);
} finally {
  await app.close();
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_API_KEY } from '@keyward/core';
import { createTestDatabase } from '@keyward/test-kit/pg-test-db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpawnedServer, startServer } from './spawn-server.js';

// Keys whose create answered 201 must survive the process being killed outright (no chance to
// flush anything), on the embedded database and on PostgreSQL.

async function createKeys(server: SpawnedServer, n: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await fetch(`${server.url}/v1/secrets/api/keys`, {
      method: 'POST',
      headers: { 'x-api-key': DEV_API_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ name: `durable-${i}` }),
    });
    expect(res.status).toBe(201);
    keys.push(((await res.json()) as { api_key: string }).api_key);
  }
  return keys;
}

async function statusOf(server: SpawnedServer, key: string): Promise<number> {
  return (await fetch(`${server.url}/v1/me`, { headers: { 'x-api-key': key } })).status;
}

async function killHard(server: SpawnedServer): Promise<void> {
  server.child.kill('SIGKILL');
  const { signal } = await server.exited;
  expect(signal).toBe('SIGKILL');
}

describe('durability across SIGKILL', () => {
  it('keeps created keys on the embedded database', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keyward-durable-'));
    try {
      const first = await startServer({ KEYWARD_DATA_DIR: dataDir });
      const keys = await createKeys(first, 3);
      await killHard(first);
      const second = await startServer({ KEYWARD_DATA_DIR: dataDir });
      try {
        for (const key of keys) expect(await statusOf(second, key)).toBe(200);
      } finally {
        await killHard(second);
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 240_000);

  describe('on PostgreSQL', () => {
    let db: Awaited<ReturnType<typeof createTestDatabase>>;
    beforeAll(async () => {
      db = await createTestDatabase();
    });
    afterAll(async () => {
      await db?.drop();
    });

    it('keeps created keys', async (ctx) => {
      if (!db) return ctx.skip();
      const first = await startServer({ DATABASE_URL: db.url });
      const keys = await createKeys(first, 3);
      await killHard(first);
      const second = await startServer({ DATABASE_URL: db.url });
      try {
        for (const key of keys) expect(await statusOf(second, key)).toBe(200);
      } finally {
        await killHard(second);
      }
    }, 120_000);
  });
});

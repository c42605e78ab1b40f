// @keyward/client and the keyward command against the real reference server on port 0: the
// end-to-end half of the client issue, run in the same vitest run as the server's tests.
import type { AddressInfo } from 'node:net';
import { runCli } from '@keyward/cli';
import { createClient, isKeywardError, type KeywardClient } from '@keyward/client';
import { DEV_API_KEY } from '@keyward/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { memoryStorage } from './helpers.js';

let app: FastifyInstance;
let baseUrl: string;
const clients: KeywardClient[] = [];

function client(apiKey: string, extra: { environmentId?: string } = {}): KeywardClient {
  const c = createClient({ apiKey, baseUrl, retries: 0, ...extra });
  clients.push(c);
  return c;
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (isKeywardError(err)) return err.code;
    throw err;
  }
  return 'no error';
}

beforeAll(async () => {
  app = createApp({ storage: memoryStorage(), devKey: true, logger: false, failureLimit: false });
  await app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const c of clients) await c.close();
  await app.close();
});

describe('@keyward/client against the reference server', () => {
  it('walks a key through its whole life', async () => {
    const admin = client(DEV_API_KEY);
    const me = await admin.me();
    expect(me).toMatchObject({ keyId: 'key_dev', tenantId: 'tenant_dev', environmentId: 'env_dev', scopes: ['*'] });

    const { key, apiKey } = await admin.keys.create({ name: 'e2e', scopes: ['keys:read'] });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(apiKey).toMatchObject({ name: 'e2e', status: 'active', provider: 'keyward', roles: ['keys:read'] });
    expect(JSON.stringify(apiKey)).not.toContain(key);

    const user = client(key);
    expect((await user.me()).keyId).toBe(apiKey.id);
    const page = await user.keys.list({ limit: 10 });
    expect(page.items.map((k) => k.id)).toContain(apiKey.id);
    expect(page.pagination).toMatchObject({ limit: 10, offset: 0 });
    expect(await codeOf(user.keys.create({ name: 'nope' }))).toBe('insufficient_scope');

    await admin.keys.update(apiKey.id, { active: false });
    expect(await codeOf(user.me())).toBe('inactive_api_key');
    await admin.keys.update(apiKey.id, { active: true });
    expect((await user.me()).keyId).toBe(apiKey.id);

    const rotated = await admin.keys.rotate(apiKey.id);
    expect(await codeOf(user.me())).toBe('invalid_api_key');
    const successor = client(rotated.key);
    expect((await successor.me()).keyId).toBe(rotated.apiKey.id);

    await admin.keys.revoke(rotated.apiKey.id);
    expect(await codeOf(successor.me())).toBe('invalid_api_key');
    expect(await codeOf(admin.keys.get(rotated.apiKey.id))).toBe('not_found');
  });

  it('maps the server errors, with its request id, and never carries the key', async () => {
    const admin = client(DEV_API_KEY);
    try {
      await admin.keys.create({ name: '' });
      expect.unreachable('an empty name must be refused');
    } catch (err) {
      expect(isKeywardError(err) && err.code).toBe('validation_error');
      expect(isKeywardError(err) && err.status).toBe(400);
      expect(isKeywardError(err) && err.requestId).toMatch(/.+/);
      expect(JSON.stringify(err)).not.toContain(DEV_API_KEY);
    }
    expect(await codeOf(client('ab'.repeat(32)).me())).toBe('invalid_api_key');
    expect(await codeOf(client(DEV_API_KEY, { environmentId: 'env_prod' }).me())).toBe('environment_mismatch');
  });
});

describe('@keyward/client against the reference server: paging and safe retries', () => {
  it('iterates every key once while keys are created during the walk', async () => {
    const admin = client(DEV_API_KEY);
    // A key for the walk, made by the development key.
    const { key } = await admin.keys.create({ name: `walker ${Date.now()}`, scopes: ['keys:read', 'keys:write'] });
    const walker = client(key);
    for (let i = 0; i < 5; i++) await walker.keys.create({ name: `walk-${i}` });
    const before = (await walker.keys.list({ limit: 100 })).items.map((k) => k.id);
    expect(before.length).toBeGreaterThanOrEqual(6);

    const seen: string[] = [];
    for await (const apiKey of walker.keys.list({ limit: 2 })) {
      seen.push(apiKey.id);
      // Keys made during the walk are newer than its cursor: they shift nothing.
      if (seen.length % 2 === 1) await walker.keys.create({ name: 'made during the walk' });
    }
    expect(seen).toEqual(before);
    const page = await walker.keys.list({ limit: 2 });
    expect(page.pagination).toMatchObject({ limit: 2, offset: 0, nextCursor: expect.any(String) });
    const next = await walker.keys.list({ limit: 2, cursor: page.pagination.nextCursor as string });
    expect(next.pagination.offset).toBe(2);
  });

  it('retries a create and a rotate whose responses were lost, minting one key each and returning it', async () => {
    // A server that drops the connection after the first create and the first rotate have run:
    // the keys exist, the responses never arrive.
    const lossy = createApp({ storage: memoryStorage(), devKey: true, logger: false, failureLimit: false });
    const dropped = new Set<string>();
    lossy.addHook('onSend', async (request, _reply, payload) => {
      const route = `${request.method} ${request.routeOptions.url}`;
      if (request.method === 'POST' && !dropped.has(route)) {
        dropped.add(route);
        request.raw.socket.destroy();
      }
      return payload;
    });
    await lossy.listen({ port: 0, host: '127.0.0.1' });
    const lossyUrl = `http://127.0.0.1:${(lossy.server.address() as AddressInfo).port}`;
    const attempts: string[] = [];
    const admin = createClient({
      apiKey: DEV_API_KEY,
      baseUrl: lossyUrl,
      retries: 2,
      debug: (event) => {
        if (event.type === 'retry') attempts.push(event.reason);
      },
    });
    clients.push(admin);
    try {
      const created = await admin.keys.create({ name: 'lost response' });
      expect(attempts).toEqual(['network_error']);
      const user = createClient({ apiKey: created.key, baseUrl: lossyUrl, retries: 0 });
      clients.push(user);
      expect((await user.me()).keyId).toBe(created.apiKey.id);
      const named = async (name: string) =>
        (await admin.keys.list({ limit: 100 })).items.filter((k) => k.name === name);
      expect((await named('lost response')).map((k) => k.id)).toEqual([created.apiKey.id]);

      const rotated = await admin.keys.rotate(created.apiKey.id);
      expect(attempts).toEqual(['network_error', 'network_error']);
      const successor = createClient({ apiKey: rotated.key, baseUrl: lossyUrl, retries: 0 });
      clients.push(successor);
      expect((await successor.me()).keyId).toBe(rotated.apiKey.id);
      // Exactly one successor, and the old key revoked.
      expect((await named('lost response')).map((k) => k.id)).toEqual([rotated.apiKey.id]);

      // The same Idempotency-Key with another request is refused, and makes nothing.
      const idempotencyKey = `job-${'7'.repeat(40)}`;
      await admin.keys.create({ name: 'job' }, { idempotencyKey });
      const reused = await codeOf(admin.keys.create({ name: 'other job' }, { idempotencyKey }));
      expect(reused).toBe('idempotency_key_reused');
      expect(await named('other job')).toEqual([]);
    } finally {
      await lossy.close();
    }
  });
});

describe('the keyward command against the reference server', () => {
  it('creates a key that then authenticates, printing only the key on stdout', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = {
      stdout: (t: string) => out.push(t),
      stderr: (t: string) => err.push(t),
      readStdin: async () => '',
      env: { KEYWARD_API_KEY: DEV_API_KEY },
    };
    const code = await runCli(['keys', 'create', '--name', 'cli', '--scopes', 'keys:read', '--base-url', baseUrl], io);
    expect(err.join('')).not.toContain(DEV_API_KEY);
    expect(code).toBe(0);
    const key = out.join('').trim();
    expect((await client(key).me()).name).toBe('cli');
    expect(err.join('')).not.toContain(key);
  });

  it('keyward --json prints exactly the body the server sent (wire.ts), for keys and errors', async () => {
    const run = async (argv: string[]) => {
      const out: string[] = [];
      const err: string[] = [];
      const io = {
        stdout: (t: string) => out.push(t),
        stderr: (t: string) => err.push(t),
        readStdin: async () => '',
        env: { KEYWARD_API_KEY: DEV_API_KEY },
      };
      const code = await runCli([...argv, '--json', '--base-url', baseUrl], io);
      return { code, out: out.join(''), err: err.join('') };
    };
    const raw = async (path: string) => {
      const res = await fetch(`${baseUrl}${path}`, { headers: { 'X-API-Key': DEV_API_KEY } });
      return { status: res.status, body: (await res.json()) as unknown };
    };
    const created = await run(['keys', 'create', '--name', 'wire', '--expires-at', '2031-01-01']);
    expect(created.code, created.err).toBe(0);
    const { api_key, secret } = JSON.parse(created.out) as { api_key: string; secret: { id: string } };
    expect(api_key).toMatch(/^[0-9a-f]{64}$/);
    const got = await run(['keys', 'get', secret.id]);
    const direct = await raw(`/v1/secrets/api/keys/${secret.id}`);
    expect(JSON.parse(got.out)).toEqual(direct.body);
    expect(Object.keys(JSON.parse(got.out) as object)).toEqual(Object.keys(secret));
    const listed = await run(['keys', 'list']);
    expect(JSON.parse(listed.out)).toEqual((await raw('/v1/secrets/api/keys')).body);
    const missing = await run(['keys', 'get', 'key_missing']);
    const refused = await raw('/v1/secrets/api/keys/key_missing');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.err)).toEqual({
      error: { ...(refused.body as { error: object }).error, status: refused.status },
    });
  });
});

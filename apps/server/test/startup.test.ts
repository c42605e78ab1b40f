import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_API_KEY, generateApiKey, hashApiKey } from '@keyward/core';
import { afterAll, describe, expect, it } from 'vitest';
import { runToExit, startServer } from './spawn-server.js';

// main.js as operators run it: start-up refusals, production mode and a graceful stop.

const dir = mkdtempSync(join(tmpdir(), 'keyward-startup-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writeConfig(name: string, json: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
}

const entry = (hash: string, name: string) => ({
  hash,
  name,
  tenant_id: 't1',
  environment_id: 'prod',
  scopes: ['keys:read'],
});

describe('main.js start-up', () => {
  it('stops on a malformed KEYWARD_CONFIG, naming the bad entry', async () => {
    const path = writeConfig('bad.json', { keys: [entry('a'.repeat(64), 'ok'), entry('not-a-hash', 'deploy')] });
    const { code, output } = await runToExit({ KEYWARD_CONFIG: path, KEYWARD_DATA_DIR: join(dir, 'unused') });
    expect(code).toBe(1);
    expect(output).toMatch(/cannot start: KEYWARD_CONFIG: .*keys\[1\] \("deploy"\)\.hash/);
  });

  it('refuses to start in production with the development key enabled', async () => {
    const { code, output } = await runToExit({ NODE_ENV: 'production', KEYWARD_DEV_KEY: '1' });
    expect(code).toBe(1);
    expect(output).toMatch(/development key/);
    const path = writeConfig('dev.json', { keys: [entry(hashApiKey(DEV_API_KEY), 'dev')] });
    const second = await runToExit({ NODE_ENV: 'production', KEYWARD_CONFIG: path });
    expect(second.code).toBe(1);
    expect(second.output).toMatch(/keys\[0\] is the public development key/);
  });

  it('in production refuses the development key, takes static keys, trusts the proxy it is told to, and stops cleanly on SIGTERM', async () => {
    const staticKey = generateApiKey();
    const path = writeConfig('prod.json', { keys: [entry(hashApiKey(staticKey), 'ci')] });
    const server = await startServer({
      NODE_ENV: 'production',
      KEYWARD_CONFIG: path,
      KEYWARD_DATA_DIR: join(dir, 'prod'),
      KEYWARD_TRUST_PROXY: '1',
    });
    try {
      const dev = await fetch(`${server.url}/v1/me`, { headers: { 'x-api-key': DEV_API_KEY } });
      expect(dev.status).toBe(401);
      expect(((await dev.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key');
      const ok = await fetch(`${server.url}/v1/me`, { headers: { 'x-api-key': staticKey } });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({
        tenant_id: 't1',
        environment_id: 'prod',
        name: 'ci',
        scopes: ['keys:read'],
      });
      // Behind one trusted proxy the failure limit counts the forwarded client, so one client
      // guessing keys does not lock out another that comes through the same proxy.
      const guess = (client: string, key = generateApiKey()) =>
        fetch(`${server.url}/v1/me`, { headers: { 'x-api-key': key, 'x-forwarded-for': client } });
      let status = 0;
      for (let i = 0; i < 25 && status !== 429; i++) status = (await guess('203.0.113.7')).status;
      expect(status).toBe(429);
      expect((await guess('203.0.113.8', staticKey)).status).toBe(200);
    } finally {
      server.child.kill('SIGTERM');
    }
    const { code, signal } = await server.exited;
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    expect(server.output()).toContain('shutting down');
    expect(server.output()).not.toContain(staticKey);
  }, 180_000);

  it('finishes a request in flight when SIGTERM arrives, then exits 0', async () => {
    const server = await startServer({ KEYWARD_DATA_DIR: join(dir, 'drain') });
    const waitForOutput = async (text: string) => {
      for (let i = 0; i < 600 && !server.output().includes(text); i++) await new Promise((r) => setTimeout(r, 50));
      expect(server.output()).toContain(text);
    };
    let terminated = false;
    try {
      const body = JSON.stringify({ name: 'in-flight' });
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = httpRequest(
          `${server.url}/v1/secrets/api/keys`,
          {
            method: 'POST',
            headers: {
              'x-api-key': DEV_API_KEY,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (d) => (text += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        req.on('error', reject);
        // Half the body now: the request is under way (authenticated on its headers) but unfinished.
        req.write(body.slice(0, 5));
        void (async () => {
          await waitForOutput('"url":"/v1/secrets/api/keys"');
          terminated = server.child.kill('SIGTERM');
          await waitForOutput('shutting down');
          req.end(body.slice(5));
        })().catch(reject);
      });
      const { status, text } = await response;
      expect(status).toBe(201);
      expect(JSON.parse(text).secret.name).toBe('in-flight');
    } finally {
      // A second SIGTERM means "stop now" (exit 1): send one only if the test did not.
      if (!terminated) server.child.kill('SIGTERM');
    }
    expect(await server.exited).toEqual({ code: 0, signal: null });
  }, 180_000);
});

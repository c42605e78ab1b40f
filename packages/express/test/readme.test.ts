import { createServer, type Server } from 'node:http';
import * as core from '@keyward/core';
import { readmeExamples, runExample } from '@keyward/test-kit/readme-examples';
import express, { type Express } from 'express';
import supertest from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import * as adapter from '../src/index.js';

const examples = readmeExamples(new URL('../README.md', import.meta.url));
const NOT_FOUND = '{"error":{"code":"not_found","message":"Not found"}}';
const MISSING = '{"error":{"code":"missing_api_key","message":"Missing API key"}}';

let apps: Express[] = [];
const servers: Server[] = [];

/** express() as the examples call it, recording each app; listen(3000) takes a free port instead. */
function recordingExpress() {
  return Object.assign((...args: Parameters<typeof express>) => {
    const app = express(...args);
    apps.push(app);
    app.listen = ((_port: number, callback?: () => void) => {
      const server = createServer(app).listen(0, '127.0.0.1', callback);
      servers.push(server);
      return server;
    }) as unknown as Express['listen'];
    return app;
  }, express);
}

async function run(example: string): Promise<Express> {
  apps = [];
  await runExample(example, {
    '@keyward/core': core,
    '@keyward/express': adapter,
    express: { default: recordingExpress() },
  });
  expect(apps).toHaveLength(1);
  return apps[0]!;
}

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('README', () => {
  it('has the examples this test runs, the first one of ten lines or fewer before any section', () => {
    expect(examples.all).toHaveLength(2);
    expect(examples.openingIsFirst).toBe(true);
    expect(examples.opening.trim().split('\n').length).toBeLessThanOrEqual(10);
  });

  it('opens with an example that guards /reports, leaves /health open and listens', async () => {
    const app = await run(examples.opening);
    expect(servers).toHaveLength(1);
    const request = supertest(app);
    expect((await request.get('/health')).body).toEqual({ status: 'ok' });
    expect((await request.get('/reports')).text).toBe(MISSING);
    const ok = await request.get('/reports').set('x-api-key', core.DEV_API_KEY);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ tenant: core.DEV_TENANT_ID });
  });

  it('gives the curl command with the development key the example accepts', () => {
    expect(examples.text).toContain(`curl -H 'x-api-key: ${core.DEV_API_KEY}' localhost:3000/reports`);
  });

  it('shows getApiKey, sendApiKeyError and apiKeyErrorHandler answering in the standard body', async () => {
    const request = supertest(await run(examples.all[1]!));
    const me = await request.get('/me');
    expect([me.status, me.headers['content-type'], me.text]).toEqual([401, 'application/json; charset=utf-8', MISSING]);
    for (const path of ['/reports/7', '/archive']) {
      const response = await request.get(path);
      expect([response.status, response.headers['content-type'], response.text]).toEqual([
        404,
        'application/json; charset=utf-8',
        NOT_FOUND,
      ]);
    }
  });
});

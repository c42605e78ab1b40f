import * as core from '@keyward/core';
import { readmeExamples, runExample } from '@keyward/test-kit/readme-examples';
import Fastify, { type FastifyInstance, type FastifyListenOptions, type FastifyServerOptions } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import * as adapter from '../src/index.js';

const examples = readmeExamples(new URL('../README.md', import.meta.url));
const JSON_TYPE = 'application/json; charset=utf-8';
const MISSING = '{"error":{"code":"missing_api_key","message":"Missing API key"}}';
const INVALID = '{"error":{"code":"invalid_api_key","message":"Invalid API key"}}';
const NOT_FOUND = '{"error":{"code":"not_found","message":"Not found"}}';

let apps: FastifyInstance[] = [];
const listening: FastifyInstance[] = [];

/** Fastify() as the examples call it, recording each app; listen({ port: 3000 }) takes a free port instead. */
function recordingFastify(options: FastifyServerOptions = {}) {
  const app = Fastify(options);
  apps.push(app);
  const listen = app.listen.bind(app);
  app.listen = ((options: FastifyListenOptions) => {
    listening.push(app);
    return listen({ ...options, port: 0, host: '127.0.0.1' });
  }) as FastifyInstance['listen'];
  return app;
}

async function run(example: string): Promise<FastifyInstance> {
  apps = [];
  await runExample(example, {
    '@keyward/core': core,
    '@keyward/fastify': adapter,
    fastify: { default: recordingFastify },
  });
  expect(apps).toHaveLength(1);
  const app = apps[0]!;
  await app.ready();
  return app;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

describe('README', () => {
  it('has the examples this test runs, the first one of ten lines or fewer before any section', () => {
    expect(examples.all).toHaveLength(3);
    expect(examples.openingIsFirst).toBe(true);
    expect(examples.opening.trim().split('\n').length).toBeLessThanOrEqual(10);
  });

  it('opens with an example whose route config opens /health, scopes /reports, and listens', async () => {
    const app = await run(examples.opening);
    expect(listening).toContain(app);
    expect((await app.inject({ url: '/health' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/reports' })).body).toBe(MISSING);
    const ok = await app.inject({ url: '/reports', headers: { 'x-api-key': core.DEV_API_KEY } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ tenantId: core.DEV_TENANT_ID, scopes: ['*'] });
  });

  it('gives the curl command with the development key the example accepts', () => {
    expect(examples.text).toContain(`curl -H 'x-api-key: ${core.DEV_API_KEY}' localhost:3000/reports`);
  });

  it('registers the plugin twice: optional for the app, a key needed in the child scope', async () => {
    const app = await run(examples.all[1]!);
    expect((await app.inject({ url: '/catalog' })).json()).toEqual({ personalised: false });
    expect((await app.inject({ url: '/catalog', headers: { 'x-api-key': 'wrong' } })).body).toBe(INVALID);
    const admin = await app.inject({ url: '/admin/stats' });
    expect([admin.statusCode, admin.body]).toEqual([401, MISSING]);
  });

  it('shows getApiKey, sendApiKeyError and apiKeyErrorHandler answering in the standard body', async () => {
    const app = await run(examples.all[2]!);
    const me = await app.inject({ url: '/me' });
    expect([me.statusCode, me.headers['content-type'], me.body]).toEqual([401, JSON_TYPE, MISSING]);
    for (const url of ['/reports/7', '/nowhere']) {
      const response = await app.inject({ url });
      expect([response.statusCode, response.headers['content-type'], response.body]).toEqual([
        404,
        JSON_TYPE,
        NOT_FOUND,
      ]);
    }
  });
});

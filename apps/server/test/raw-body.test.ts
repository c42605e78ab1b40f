import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createApp } from '../src/create-app.js';
import { buildOpenApiDocument } from '../src/openapi.js';
import { defineOperation, JSON_BODY_LIMIT } from '../src/operation.js';
import { operationRoutes } from '../src/operation-routes.js';
import { body, devHeaders, errorCode, memoryStorage, withKey } from './helpers.js';

// A route that needs the exact bytes (a webhook signature is computed over them), defined only
// here: the mechanism must work for any such operation, before the first real one exists.

const RAW_LIMIT = 100 * 1024;
const echoSchema = z
  .object({ base64: z.string(), content_type: z.string().nullable() })
  .meta({ id: 'RawEchoForTests' });

const received: Buffer[] = [];
const rawEcho = defineOperation({
  operationId: 'echoRawBody',
  method: 'POST',
  path: '/test/raw',
  auth: 'apiKey',
  summary: 'Echoes the bytes it received',
  tags: ['service'],
  body: { raw: true, limit: RAW_LIMIT, description: 'Any bytes' },
  response: { status: 200, description: 'What arrived', schema: echoSchema },
  handler: ({ request, body: bytes }) => {
    received.push(bytes);
    return { base64: bytes.toString('base64'), content_type: request.headers['content-type'] ?? null };
  },
});

describe('an operation with a raw body', () => {
  let app: FastifyInstance;
  // URLs of the requests whose body Fastify began to read (preParsing runs just before).
  const parsing: string[] = [];

  beforeAll(async () => {
    const storage = memoryStorage();
    app = createApp({ storage, devKey: true, failureLimit: false });
    app.addHook('preParsing', async (request) => {
      parsing.push(request.url);
    });
    const services = { storage, now: () => new Date(), openApiDocument: buildOpenApiDocument([rawEcho]) };
    app.register(operationRoutes, { operations: [rawEcho], services });
    await app.ready();
  });
  afterAll(() => app.close());
  beforeEach(() => {
    received.length = 0;
    parsing.length = 0;
  });

  const post = (payload: string | Buffer | Readable, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/test/raw', headers: { ...devHeaders, ...headers }, payload });

  it('hands the handler the exact bytes, whatever the content type', async () => {
    const cases: Array<[Buffer, Record<string, string>]> = [
      // Every byte value, NUL and invalid UTF-8 included.
      [Buffer.from(Array.from({ length: 256 }, (_, i) => i)), { 'content-type': 'application/octet-stream' }],
      // JSON that parsing and re-serialising would change: spacing, key order, a duplicate key.
      [Buffer.from('{"b":1,  "a":[2], "b":3}\n'), { 'content-type': 'application/json' }],
      // Not JSON at all, under a JSON content type: a JSON route would answer 400.
      [Buffer.from('{"unterminated'), { 'content-type': 'application/json; charset=utf-8' }],
      [Buffer.from('caf\xe9', 'latin1'), { 'content-type': 'text/plain; charset=latin1' }],
      [Buffer.from('no content type at all'), {}],
    ];
    for (const [bytes, headers] of cases) {
      const res = await post(bytes, headers);
      expect(res.statusCode, headers['content-type'] ?? 'none').toBe(200);
      const echoed = body<{ base64: string; content_type: string | null }>(res);
      expect(Buffer.from(echoed.base64, 'base64').equals(bytes)).toBe(true);
      expect(echoed.content_type).toBe(headers['content-type'] ?? null);
    }
    expect(received).toHaveLength(cases.length);
    for (const [i, [bytes]] of cases.entries()) expect(received[i]?.equals(bytes)).toBe(true);
  });

  it('hands the handler no bytes for a request without a body', async () => {
    const res = await app.inject({ method: 'POST', url: '/test/raw', headers: devHeaders });
    expect(res.statusCode).toBe(200);
    expect(body<{ base64: string }>(res).base64).toBe('');
    expect(received[0]?.length).toBe(0);
  });

  it("takes bodies up to its own limit, above the JSON routes' limit", async () => {
    expect(RAW_LIMIT).toBeGreaterThan(JSON_BODY_LIMIT);
    const bytes = Buffer.alloc(RAW_LIMIT, 'x');
    const res = await post(bytes, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(200);
    expect(received[0]?.equals(bytes)).toBe(true);
  });

  it("answers a body over its limit 413 in keyward's error body, without calling the handler", async () => {
    const tooLarge = {
      error: { code: 'payload_too_large', message: `body: larger than the limit of ${RAW_LIMIT} bytes` },
    };
    // Announced by Content-Length, and streamed without one, which only counting the bytes as
    // they arrive can catch.
    for (const payload of [Buffer.alloc(RAW_LIMIT + 1, 'x'), Readable.from([Buffer.alloc(RAW_LIMIT + 1, 'x')])]) {
      const res = await post(payload, { 'content-type': 'application/octet-stream' });
      expect(res.statusCode).toBe(413);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(body(res)).toEqual(tooLarge);
    }
    expect(received).toHaveLength(0);
  });

  it('leaves the JSON routes their parser and their own limit', async () => {
    const create = (payload: string) =>
      app.inject({
        method: 'POST',
        url: '/v1/secrets/api/keys',
        headers: { ...devHeaders, 'content-type': 'application/json' },
        payload,
      });
    // Still parsed as JSON and validated.
    const made = await create(JSON.stringify({ name: 'json still parsed' }));
    expect(made.statusCode).toBe(201);
    const malformed = await create('{"name":');
    expect([malformed.statusCode, body(malformed)]).toEqual([
      400,
      { error: { code: 'validation_error', message: 'body: not valid JSON' } },
    ]);
    // Still held to their own, smaller limit: a body the raw route takes is too large here.
    const big = await create(JSON.stringify({ name: 'x'.repeat(JSON_BODY_LIMIT) }));
    expect(big.statusCode).toBe(413);
    expect(body(big)).toEqual({
      error: { code: 'payload_too_large', message: `body: larger than the limit of ${JSON_BODY_LIMIT} bytes` },
    });
  });

  it('refuses a bad or missing key before reading the body', async () => {
    const oversized = Buffer.alloc(RAW_LIMIT + 1, 'x');
    const refused = [
      await app.inject({ method: 'POST', url: '/test/raw', headers: withKey('f'.repeat(64)), payload: oversized }),
      await app.inject({ method: 'POST', url: '/test/raw', payload: oversized }),
    ];
    // 401, not 413: the key was refused before the body's size was ever looked at.
    expect(refused.map((res) => [res.statusCode, errorCode(res)])).toEqual([
      [401, 'invalid_api_key'],
      [401, 'missing_api_key'],
    ]);
    expect(parsing).toEqual([]);
    expect(received).toHaveLength(0);
    // The same body with the key is read (and refused for its size): the hook does see reads.
    expect((await post(oversized)).statusCode).toBe(413);
    expect(parsing).toEqual(['/test/raw']);
  });
});

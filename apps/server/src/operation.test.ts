import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { buildOpenApiDocument } from './openapi.js';
import { defineOperation, type Operation } from './operation.js';
import { healthSchema, keyIdParamsSchema, rotateKeyBodySchema } from './schemas.js';

const base = {
  operationId: 'getThing',
  method: 'GET',
  path: '/v1/things',
  auth: 'apiKey',
  summary: 'A thing',
  tags: ['service'],
  response: { status: 200, description: 'The thing', schema: healthSchema },
  handler: () => ({ status: 'ok' as const }),
} as const;

const raw = { raw: true, limit: 1000, description: 'bytes' } as const;
const secrets = async () => null;

// A definition with one field changed, as an untyped caller could write it.
const define = (change: Record<string, unknown>) => () => defineOperation({ ...base, ...change } as never);

describe('defineOperation', () => {
  it('accepts a well-formed definition and returns it unchanged', () => {
    const definition = { ...base, params: keyIdParamsSchema, path: '/v1/things/{id}' };
    expect(defineOperation(definition)).toBe(definition);
    const session = { ...base, auth: 'session' } as const;
    expect(defineOperation(session)).toBe(session);
    const signed = { ...base, auth: 'signature', method: 'POST', body: raw, secrets } as const;
    expect(defineOperation(signed)).toBe(signed);
  });

  it('refuses what would make the route or its document wrong, naming the operation', () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ operationId: 'get-thing' }, 'operationId must be camelCase letters and digits, got get-thing'],
      [{ method: 'get' }, 'getThing: method must be one of GET, POST, PUT, PATCH, DELETE'],
      [{ path: 'v1/things' }, 'getThing: path must be like /v1/things/{id}: lowercase segments, parameters in braces'],
      [
        { path: '/v1/things/:id' },
        'getThing: path must be like /v1/things/{id}: lowercase segments, parameters in braces',
      ],
      // 'session' and 'signature' became credentials with issue 9; a misspelt one is still refused.
      [{ auth: 'Session' }, "getThing: auth must be one of 'apiKey', 'session', 'signature', 'none', got Session"],
      [{ auth: 'bearer' }, "getThing: auth must be one of 'apiKey', 'session', 'signature', 'none', got bearer"],
      [{ auth: 'none', scopes: ['keys:read'] }, "getThing: scopes need auth: 'apiKey'"],
      // A session or a signature holds no scopes.
      [{ auth: 'session', scopes: ['portal:write'] }, "getThing: scopes need auth: 'apiKey'"],
      [
        { auth: 'signature', method: 'POST', body: raw, secrets, scopes: ['keys:write'] },
        "getThing: scopes need auth: 'apiKey'",
      ],
      // A signature needs to know its secrets, and the exact bytes to check them against.
      [{ auth: 'signature', method: 'POST', body: raw }, "getThing: auth: 'signature' needs secrets, a function"],
      [
        { auth: 'signature', method: 'POST', body: raw, secrets: ['whsec_x'] },
        "getThing: auth: 'signature' needs secrets, a function",
      ],
      [{ secrets }, "getThing: secrets need auth: 'signature'"],
      // A redirect goes to a path of this server, never to another origin.
      [
        { response: { status: 302, description: 'Elsewhere', location: '//evil.example/dashboard' } },
        'getThing: response.location must be a path on this server, like /dashboard',
      ],
      [
        { response: { status: 302, description: 'Elsewhere', location: 'https://evil.example/' } },
        'getThing: response.location must be a path on this server, like /dashboard',
      ],
      [{ auth: 'none', secrets }, "getThing: secrets need auth: 'signature'"],
      [{ auth: 'signature', method: 'POST', secrets }, "getThing: auth: 'signature' needs a raw body"],
      [
        { auth: 'signature', method: 'POST', secrets, body: { schema: rotateKeyBodySchema } },
        "getThing: auth: 'signature' needs a raw body",
      ],
      [{ path: '/v1/things/{id}' }, "getThing: params must have exactly the path's parameters (id)"],
      [{ params: keyIdParamsSchema }, "getThing: params must have exactly the path's parameters (none)"],
      [{ body: { schema: rotateKeyBodySchema } }, 'getThing: a GET has no body'],
      [{ idempotencyKey: true }, 'getThing: idempotencyKey must be true, on a POST'],
      [
        { method: 'POST', body: { schema: z.object({ a: z.string() }) } },
        'getThing: body.schema needs .meta({ id }), its name in the OpenAPI document',
      ],
      [
        { method: 'POST', body: { raw: true, limit: 0, description: 'bytes' } },
        'getThing: body.limit must be a positive whole number of bytes',
      ],
      [
        { response: { status: 200, description: 'x', schema: z.object({}) } },
        'getThing: response.schema needs .meta({ id }), its name in the OpenAPI document',
      ],
      [{ handler: undefined }, 'getThing: handler must be a function'],
    ];
    for (const [change, message] of cases) {
      expect(define(change), message).toThrow(new TypeError(`@keyward/server: defineOperation: ${message}`));
    }
  });
});

describe('buildOpenApiDocument', () => {
  it('refuses two operations with one id or one method and path', () => {
    const thing = defineOperation(base) as Operation;
    const other = defineOperation({ ...base, operationId: 'getOtherThing' }) as Operation;
    expect(() => buildOpenApiDocument([thing, { ...thing, path: '/v1/other' }])).toThrow(
      new TypeError('@keyward/server: buildOpenApiDocument: operationId getThing is defined twice'),
    );
    expect(() => buildOpenApiDocument([thing, other])).toThrow(
      new TypeError('@keyward/server: buildOpenApiDocument: GET /v1/things is defined twice'),
    );
  });

  it('documents a raw body as any bytes up to its own limit, and leaves out document: false', () => {
    const upload = defineOperation({
      ...base,
      operationId: 'putThing',
      method: 'PUT',
      body: { raw: true, limit: 1000, description: 'The bytes' },
    }) as Operation;
    const hidden = defineOperation({ ...base, operationId: 'hidden', path: '/hidden', document: false }) as Operation;
    // biome-ignore lint/suspicious/noExplicitAny: a generated JSON document, walked by path in assertions that check its shape
    const doc = buildOpenApiDocument([upload, hidden]) as unknown as { paths: Record<string, Record<string, any>> };
    expect(Object.keys(doc.paths)).toEqual(['/v1/things']);
    const op = doc.paths['/v1/things']?.put;
    expect(op.requestBody).toEqual({ required: true, description: 'The bytes', content: { '*/*': { schema: {} } } });
    expect(op.responses['413'].description).toBe('payload_too_large: the body is larger than 1000 bytes');
    // Bytes are not validated, so no 400 is promised.
    expect(op.responses['400']).toBeUndefined();
  });
});

import { DEV_API_KEY, ERROR_CODES } from '@keyward/core';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/create-app.js';
import { SERVER_OPERATIONS } from '../src/routes/index.js';
import { body, createKeyVia, devHeaders, errorCode, memoryStorage } from './helpers.js';
import { compareRoutesWithDocument, type RegisteredRoute, recordRegisteredRoutes } from './registered-routes.js';

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, walked by path in assertions that check its shape
type Json = Record<string, any>;

// Served on purpose but not part of the API document: the redirect to the dashboard, its page and script. Pinned
// here so that leaving a new operation out of the document is a visible decision.
const LEFT_OUT = SERVER_OPERATIONS.filter((op) => op.document === false).map((op) => `${op.method} ${op.path}`);

describe('GET /openapi.json', () => {
  let app: FastifyInstance;
  let doc: Json;
  let routes: RegisteredRoute[];

  const recorder = recordRegisteredRoutes();

  beforeAll(async () => {
    app = createApp({ storage: memoryStorage(), devKey: true, failureLimit: false });
    await app.ready();
    routes = recorder.routesOf(app);
    const res = await app.inject({ url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = body(res) as Json;
  });
  afterAll(async () => {
    recorder.stop();
    await app.close();
  });

  const schemaOf = (ref: { $ref: string }): Json => {
    const name = ref.$ref.replace('#/components/schemas/', '');
    const schema = doc.components.schemas[name];
    expect(schema, `${ref.$ref} resolves`).toBeDefined();
    return schema;
  };

  it('is an OpenAPI 3.1 document served without a key', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    expect(typeof doc.info.title).toBe('string');
    expect(typeof doc.info.version).toBe('string');
    expect(doc.components.securitySchemes.ApiKeyAuth).toEqual({ type: 'apiKey', in: 'header', name: 'X-API-Key' });
  });

  it('names its licence and the server the examples call', () => {
    expect(doc.info.license).toEqual({ name: 'MIT', identifier: 'MIT' });
    expect(doc.servers).toEqual([{ url: 'http://127.0.0.1:3000', description: expect.any(String) }]);
  });

  it('gives the error code as the closed list of codes the server sends, in the one error body', () => {
    const code = doc.components.schemas.Error.properties.error.properties.code;
    expect(code.type).toBe('string');
    expect(code.enum).toEqual(Object.keys(ERROR_CODES));
    expect(doc.components.schemas.Error.required).toEqual(['error']);
    expect(doc.components.schemas.Error.properties.error.required.sort()).toEqual(['code', 'message']);
  });

  it('documents a 4xx and 500 internal_error on every operation, and X-Request-Id on every response', () => {
    expect(doc.components.headers.RequestId).toMatchObject({ required: true, schema: { type: 'string' } });
    let responses = 0;
    for (const [path, operations] of Object.entries(doc.paths as Json)) {
      for (const [method, op] of Object.entries(operations as Json)) {
        const name = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(op.responses);
        expect(
          statuses.some((status) => status.startsWith('4')),
          name,
        ).toBe(true);
        expect(op.responses['500'], name).toBeDefined();
        schemaOf(op.responses['500'].content['application/json'].schema);
        for (const [status, response] of Object.entries(op.responses as Json)) {
          expect(response.headers?.['X-Request-Id'], `${name} ${status}`).toEqual({
            $ref: '#/components/headers/RequestId',
          });
          responses += 1;
        }
      }
    }
    expect(responses).toBeGreaterThan(50);
  });

  it('documents exactly the routes Fastify registered, and nothing else', () => {
    expect(LEFT_OUT).toEqual(['GET /', 'GET /dashboard', 'GET /dashboard/app.js']);
    expect(compareRoutesWithDocument(routes, doc, LEFT_OUT)).toEqual({ notDocumented: [], notServed: [] });
  });

  it('fails that comparison for a route added without a definition, or a definition without a route', async () => {
    const extra = createApp({ storage: memoryStorage(), failureLimit: false });
    extra.get('/v1/undocumented', { config: { keyward: { auth: 'none' } } }, async () => ({ ok: true }));
    await extra.ready();
    const extraRoutes = recorder.routesOf(extra);
    const extraDoc = body(await extra.inject({ url: '/openapi.json' })) as Json;
    expect(compareRoutesWithDocument(extraRoutes, extraDoc, LEFT_OUT)).toEqual({
      notDocumented: ['GET /v1/undocumented'],
      notServed: [],
    });
    await extra.close();
    const ghost = { paths: { ...doc.paths, '/v1/ghost/{id}': { delete: {} } } };
    expect(compareRoutesWithDocument(routes, ghost, LEFT_OUT)).toEqual({
      notDocumented: [],
      notServed: ['DELETE /v1/ghost/{id}'],
    });
  });

  it('says of every route the credential and scopes its guard enforces, with the answers that credential gives', () => {
    const served = routes.filter((r) => r.method !== 'HEAD' && !LEFT_OUT.includes(`${r.method} ${r.path}`));
    expect(served.length).toBeGreaterThan(0);
    // What each credential's guard answers on its own, and the security scheme that names it.
    const credentials: Record<string, { security: Json[]; statuses: string[]; absent: string[] }> = {
      apiKey: { security: [{ ApiKeyAuth: [] }], statuses: ['401', '403', '429', '503'], absent: [] },
      session: { security: [{ SessionToken: [] }], statuses: ['401', '429', '503'], absent: ['403'] },
      signature: { security: [{ WebhookSignature: [] }], statuses: ['401', '503'], absent: ['403', '429'] },
      none: { security: [], statuses: [], absent: ['401', '403', '429'] },
    };
    const seen = new Set<string>();
    const idempotent: string[] = [];
    for (const route of served) {
      const name = `${route.method} ${route.path}`;
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, name).toBeDefined();
      expect(typeof op.operationId).toBe('string');
      // Every route says how it is guarded, rather than falling back to the plugin's default.
      const auth = route.keyward?.auth as string;
      expect(Object.keys(credentials), name).toContain(auth);
      seen.add(auth);
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect(success, name).toHaveLength(1);
      const credential = credentials[auth] as (typeof credentials)[string];
      expect(op.security, name).toEqual(credential.security);
      for (const status of credential.statuses) {
        expect(op.responses[status], `${name} ${status}`).toBeDefined();
        schemaOf(op.responses[status].content['application/json'].schema);
      }
      for (const status of credential.absent) expect(op.responses[status], `${name} ${status}`).toBeUndefined();
      // X-Environment-ID is checked against a key only; the webhook headers on signed routes only.
      const refs = (op.parameters ?? []).filter((p: Json) => p.$ref).map((p: Json) => p.$ref);
      // Idempotency-Key is offered where a retry could otherwise mint a second key: create and rotate.
      if (refs.includes('#/components/parameters/IdempotencyKey')) {
        idempotent.push(name);
        expect(op.responses['422'], name).toBeDefined();
        expect(op.responses['201'].headers['Idempotent-Replayed'], name).toBeDefined();
      } else {
        expect(op.responses['422'], name).toBeUndefined();
      }
      const headers = refs.filter((ref: string) => ref !== '#/components/parameters/IdempotencyKey');
      expect(headers, name).toEqual(
        auth === 'apiKey'
          ? ['#/components/parameters/EnvironmentId']
          : auth === 'signature'
            ? ['#/components/parameters/WebhookId', '#/components/parameters/WebhookTimestamp']
            : [],
      );
      const scopes = route.keyward?.scopes ?? [];
      if (scopes.length > 0) expect(op.summary, name).toMatch(new RegExp(`\\(${scopes.join(', ')}\\)$`));
      else expect(op.summary, name).not.toMatch(/\)$/);
    }
    expect([...seen].sort()).toEqual(Object.keys(credentials).sort());
    expect(idempotent.sort()).toEqual(['POST /v1/secrets/api/keys', 'POST /v1/secrets/api/keys/{id}/rotate']);
    expect(doc.components.parameters.IdempotencyKey).toMatchObject({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      schema: { type: 'string', minLength: 32, maxLength: 255 },
    });
    expect(doc.components.securitySchemes.SessionToken).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'X-Session-Token',
    });
    expect(doc.components.securitySchemes.WebhookSignature).toMatchObject({
      type: 'apiKey',
      in: 'header',
      name: 'webhook-signature',
    });
    // The key and webhook endpoint routes need keys:read or keys:write, minting and revoking
    // portal sessions portal:write, as their guards say.
    const scopesUnder = (prefix: string) =>
      new Set(
        served
          .filter((r) => r.path.startsWith(prefix) && (r.keyward?.scopes ?? []).length > 0)
          .map((r) => r.keyward?.scopes?.join()),
      );
    expect(scopesUnder('/v1/secrets/')).toEqual(new Set(['keys:read', 'keys:write']));
    expect(scopesUnder('/v1/webhooks/endpoints')).toEqual(new Set(['keys:read', 'keys:write']));
    expect(scopesUnder('/v1/portal/')).toEqual(new Set(['portal:write']));
    expect(scopesUnder('/')).toEqual(new Set(['keys:read', 'keys:write', 'portal:write']));
  });

  it('promises Cache-Control: no-store on exactly the responses that show a secret', () => {
    const noStore: string[] = [];
    for (const operations of Object.values(doc.paths as Json)) {
      for (const op of Object.values(operations as Json)) {
        for (const response of Object.values(op.responses as Json)) {
          if (response.headers?.['Cache-Control'] === undefined) continue;
          expect(response.headers['Cache-Control'].schema).toEqual({ type: 'string', const: 'no-store' });
          noStore.push(op.operationId);
        }
      }
    }
    expect(noStore.sort()).toEqual(
      ['createApiKey', 'createPortalSession', 'createWebhookEndpoint', 'rotateApiKey', 'rotateWebhookSecret'].sort(),
    );
  });

  it('describes the ApiKey with every field the API sends, all required', () => {
    const apiKey = doc.components.schemas.ApiKey;
    const fields = [
      'id',
      'name',
      'type',
      'provider',
      'display_id',
      'status',
      'scopes',
      'tenant_id',
      'environment_id',
      'user_id',
      'user_type',
      'roles',
      'expires_at',
      'last_used_at',
      'created_at',
      'updated_at',
    ];
    expect(Object.keys(apiKey.properties).sort()).toEqual([...fields].sort());
    expect([...apiKey.required].sort()).toEqual([...fields].sort());
  });

  it('validates request bodies with the schemas it publishes', async () => {
    const createSchema = schemaOf(
      doc.paths['/v1/secrets/api/keys'].post.requestBody.content['application/json'].schema,
    );
    const valid: Json = { name: 'doc', type: 'private_key', scopes: ['keys:read'] };
    expect(Object.keys(createSchema.properties).sort()).toEqual(['expires_at', 'name', 'scopes', 'type']);
    const post = (payload: Json) =>
      app.inject({ method: 'POST', url: '/v1/secrets/api/keys', headers: devHeaders, payload });
    expect((await post(valid)).statusCode).toBe(201);
    // Each field the document requires is refused when missing, and named.
    expect(createSchema.required.length).toBeGreaterThan(0);
    for (const field of createSchema.required as string[]) {
      const { [field]: _dropped, ...rest } = valid;
      const res = await post(rest);
      expect([res.statusCode, errorCode(res)]).toEqual([400, 'validation_error']);
      expect(body<{ error: { message: string } }>(res).error.message).toMatch(new RegExp(`^body\\.${field}:`));
    }
    // Fields the document does not list are refused, as additionalProperties: false says.
    expect(createSchema.additionalProperties).toBe(false);
    expect((await post({ ...valid, owner: 'me' })).statusCode).toBe(400);
    // The one value `type` may have.
    expect(createSchema.properties.type.const).toBe('private_key');
    expect((await post({ ...valid, type: 'public_key' })).statusCode).toBe(400);
    // String and array bounds.
    const maxName = createSchema.properties.name.maxLength as number;
    expect((await post({ ...valid, name: 'n'.repeat(maxName) })).statusCode).toBe(201);
    expect((await post({ ...valid, name: 'n'.repeat(maxName + 1) })).statusCode).toBe(400);
    const maxScopes = createSchema.properties.scopes.maxItems as number;
    const many = Array.from({ length: maxScopes + 1 }, (_, i) => `s${i}`);
    expect((await post({ ...valid, scopes: many })).statusCode).toBe(400);
    expect((await post({ ...valid, scopes: many.slice(0, maxScopes) })).statusCode).toBe(201);
  });

  it('validates rotate and update bodies and the list query with the bounds it publishes', async () => {
    const made = await createKeyVia(app, DEV_API_KEY, { name: 'bounds' });
    const rotateOp = doc.paths['/v1/secrets/api/keys/{id}/rotate'].post;
    expect(rotateOp.requestBody.required).toBe(false);
    const grace = schemaOf(rotateOp.requestBody.content['application/json'].schema).properties.grace_period_seconds;
    const rotate = (id: string, seconds: number) =>
      app.inject({
        method: 'POST',
        url: `/v1/secrets/api/keys/${id}/rotate`,
        headers: devHeaders,
        payload: { grace_period_seconds: seconds },
      });
    expect((await rotate(made.id, grace.maximum + 1)).statusCode).toBe(400);
    expect((await rotate(made.id, grace.minimum - 1)).statusCode).toBe(400);
    expect((await rotate(made.id, grace.maximum)).statusCode).toBe(201);

    const update = schemaOf(
      doc.paths['/v1/secrets/api/keys/{id}'].patch.requestBody.content['application/json'].schema,
    );
    expect(Object.keys(update.properties).sort()).toEqual(['active', 'name']);
    expect(update.properties.active.type).toBe('boolean');

    const params = doc.paths['/v1/secrets/api/keys'].get.parameters.filter((p: Json) => p.in === 'query');
    const limit = params.find((p: Json) => p.name === 'limit');
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 50 });
    const list = (q: string) => app.inject({ url: `/v1/secrets/api/keys?${q}`, headers: devHeaders });
    expect((await list(`limit=${limit.schema.maximum}`)).statusCode).toBe(200);
    expect((await list(`limit=${limit.schema.maximum + 1}`)).statusCode).toBe(400);
    expect((await list(`limit=${limit.schema.minimum - 1}`)).statusCode).toBe(400);
    expect(body<{ pagination: { limit: number } }>(await list('')).pagination.limit).toBe(limit.schema.default);
  });
});

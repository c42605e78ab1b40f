import { IDEMPOTENCY_KEY_RULE } from '@keyward/core/store';
import { z } from 'zod';
import {
  JSON_BODY_LIMIT,
  OPERATION_TAGS,
  type Operation,
  type OperationResponse,
  type OperationTag,
  schemaIdOf,
} from './operation.js';
import { errorSchema, type OpenApiDocument } from './schemas.js';

type JsonObject = Record<string, unknown>;

const CALLER = '@keyward/server: buildOpenApiDocument';
const COMPONENT_PREFIX = '#/components/schemas/';
const ref = (name: string) => ({ $ref: `${COMPONENT_PREFIX}${name}` });

function idOf(schema: z.ZodType, where: string): string {
  const id = schemaIdOf(schema);
  if (id === undefined) throw new TypeError(`${CALLER}: ${where} needs .meta({ id })`);
  return id;
}

const ERROR_SCHEMA_ID = idOf(errorSchema, 'the error schema');

// Every response, success or error, carries the id the request was logged under (the caller's
// own X-Request-Id when it is safe to echo), so a caller can quote it in a support request.
const REQUEST_ID_HEADER = { 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };

function errorResponse(description: string): JsonObject {
  return { description, headers: REQUEST_ID_HEADER, content: { 'application/json': { schema: ref(ERROR_SCHEMA_ID) } } };
}

const UNAVAILABLE = errorResponse('auth_unavailable: the store cannot answer');
const TOO_MANY_BASE = errorResponse('too_many_requests: too many failed attempts from this address');
const TOO_MANY = {
  ...TOO_MANY_BASE,
  headers: {
    ...(TOO_MANY_BASE.headers as JsonObject),
    'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' },
  },
};
const INTERNAL = errorResponse('internal_error: the server failed; the request id is in its log');

/** The answers a credential adds to every operation that needs it. */
function credentialErrors(operation: Operation): Record<string, JsonObject> {
  switch (operation.auth) {
    case 'apiKey':
      return {
        '401': errorResponse('missing_api_key or invalid_api_key (unknown, malformed or revoked key)'),
        '403': errorResponse('inactive_api_key, expired_api_key, environment_mismatch or insufficient_scope'),
        '429': TOO_MANY,
        '503': UNAVAILABLE,
      };
    case 'session':
      return {
        '401': errorResponse(
          'missing_session_token, invalid_session_token (malformed, unknown or revoked; an API key is never one) or expired_session_token',
        ),
        '429': TOO_MANY,
        '503': UNAVAILABLE,
      };
    case 'signature':
      return {
        '401': errorResponse('invalid_signature: the message says which check failed (headers, timestamp, signature)'),
        '503': UNAVAILABLE,
      };
    case 'none':
      return {};
  }
}

function securityOf(operation: Operation): JsonObject[] {
  switch (operation.auth) {
    case 'apiKey':
      return [{ ApiKeyAuth: [] }];
    case 'session':
      return [{ SessionToken: [] }];
    case 'signature':
      return [{ WebhookSignature: [] }];
    case 'none':
      return [];
  }
}

/** The header parameters a credential adds besides its security scheme. */
function credentialParameters(operation: Operation): JsonObject[] {
  switch (operation.auth) {
    case 'apiKey':
      return [{ $ref: '#/components/parameters/EnvironmentId' }];
    case 'signature':
      return [{ $ref: '#/components/parameters/WebhookId' }, { $ref: '#/components/parameters/WebhookTimestamp' }];
    case 'session':
    case 'none':
      return [];
  }
}

function errorResponses(operation: Operation): Record<string, JsonObject> {
  const { body } = operation;
  const errors: Record<string, JsonObject> = {};
  if (operation.query !== undefined || (body !== undefined && !('raw' in body))) {
    errors['400'] = errorResponse('validation_error: the message names the bad field');
  }
  Object.assign(errors, credentialErrors(operation));
  if (body !== undefined) {
    const limit = 'raw' in body ? body.limit : JSON_BODY_LIMIT;
    errors['413'] = errorResponse(`payload_too_large: the body is larger than ${limit} bytes`);
  }
  const descriptions: Record<string, string[]> = {};
  if (operation.idempotencyKey) {
    descriptions['409'] = ['conflict: a request with this Idempotency-Key is still in progress; retry it'];
    descriptions['422'] = ['idempotency_key_reused: this Idempotency-Key was used with a different request'];
  }
  // An operation's own answer with the same status joins the one its Idempotency-Key adds.
  for (const [status, description] of Object.entries(operation.errors ?? {})) {
    descriptions[status] = [description, ...(descriptions[status] ?? [])];
  }
  for (const [status, list] of Object.entries(descriptions)) {
    errors[status] = errorResponse(list.join('; or '));
  }
  // An operation that takes nothing and needs no credential still answers in keyward's body
  // when the request cannot reach it; OpenAPI tools expect some 4xx on every operation.
  if (!Object.keys(errors).some((status) => status.startsWith('4'))) {
    errors['4XX'] = errorResponse(
      'Refused before any route runs: 400 validation_error for a URL that is not valid, 404 not_found for a path no route serves',
    );
  }
  errors['500'] = INTERNAL;
  return errors;
}

// Requests are described as the client writes them (zod's input side, with defaults and
// optional fields), responses as the server sends them (the output side).
function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonObject[] {
  if (schema === undefined) return [];
  const json = z.toJSONSchema(schema, { io: 'input' }) as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      // OpenAPI requires every path parameter to be required.
      required: where === 'path' || (json.required?.includes(name) ?? false),
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

function successResponse(operation: Operation, responseIds: Set<string>): JsonObject {
  const response: OperationResponse = operation.response;
  if ('schema' in response) {
    const id = idOf(response.schema, `${operation.operationId}: response.schema`);
    responseIds.add(id);
    const headers: Record<string, JsonObject> = {};
    if (response.noStore) {
      headers['Cache-Control'] = {
        description: 'The body holds a secret shown once: no cache may keep it.',
        schema: { type: 'string', const: 'no-store' },
      };
    }
    if (operation.idempotencyKey) {
      headers['Idempotent-Replayed'] = {
        description: 'Sent when this is the stored answer of an earlier request with the same Idempotency-Key.',
        schema: { type: 'string', const: 'true' },
      };
    }
    return {
      description: response.description,
      headers: { ...REQUEST_ID_HEADER, ...headers },
      content: { 'application/json': { schema: ref(id) } },
    };
  }
  if ('contentType' in response) {
    return {
      description: response.description,
      headers: REQUEST_ID_HEADER,
      content: { [response.contentType]: { schema: { type: 'string' } } },
    };
  }
  return { description: response.description, headers: REQUEST_ID_HEADER };
}

function requestBody(operation: Operation, requestIds: Set<string>): JsonObject | undefined {
  const { body } = operation;
  if (body === undefined) return undefined;
  if ('raw' in body) {
    return { required: true, description: body.description, content: { '*/*': { schema: {} } } };
  }
  const id = idOf(body.schema, `${operation.operationId}: body.schema`);
  requestIds.add(id);
  return { required: body.required !== false, content: { 'application/json': { schema: ref(id) } } };
}

function operationObject(operation: Operation, requestIds: Set<string>, responseIds: Set<string>): JsonObject {
  const { scopes = [] } = operation;
  const parameterList = [
    ...parameters(operation.params, 'path'),
    ...parameters(operation.query, 'query'),
    ...credentialParameters(operation),
    ...(operation.idempotencyKey ? [{ $ref: '#/components/parameters/IdempotencyKey' }] : []),
  ];
  const body = requestBody(operation, requestIds);
  return {
    operationId: operation.operationId,
    // The scopes come from the same field the guard enforces, so the summary cannot misstate them.
    summary: scopes.length === 0 ? operation.summary : `${operation.summary} (${scopes.join(', ')})`,
    ...(operation.description === undefined ? {} : { description: operation.description }),
    tags: [...operation.tags],
    security: securityOf(operation),
    ...(parameterList.length === 0 ? {} : { parameters: parameterList }),
    ...(body === undefined ? {} : { requestBody: body }),
    responses: {
      [String(operation.response.status)]: successResponse(operation, responseIds),
      ...errorResponses(operation),
    },
  };
}

function referencedIds(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) referencedIds(item, found);
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(COMPONENT_PREFIX)) {
        found.push(item.slice(COMPONENT_PREFIX.length));
      } else {
        referencedIds(item, found);
      }
    }
  }
  return found;
}

// The named schemas the operations use, and the ones those refer to, each from the side it is
// used on. A schema used on both sides must read the same on both, or one name would describe
// two shapes.
function componentSchemas(requestIds: Set<string>, responseIds: Set<string>): Record<string, JsonObject> {
  const uri = (id: string) => `${COMPONENT_PREFIX}${id}`;
  const sides = [
    [requestIds, z.toJSONSchema(z.globalRegistry, { io: 'input', uri }).schemas],
    [responseIds, z.toJSONSchema(z.globalRegistry, { io: 'output', uri }).schemas],
  ] as const;
  const schemas: Record<string, JsonObject> = {};
  for (const [ids, registry] of sides) {
    const seen = new Set<string>();
    const pending = [...ids];
    for (let name = pending.shift(); name !== undefined; name = pending.shift()) {
      if (seen.has(name)) continue;
      seen.add(name);
      const schema = (registry as Record<string, JsonObject>)[name];
      if (schema === undefined) throw new TypeError(`${CALLER}: schema ${name} is not registered`);
      const { $schema: _s, $id: _i, ...rest } = schema;
      const existing = schemas[name];
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(rest)) {
        throw new TypeError(`${CALLER}: schema ${name} reads differently in requests and responses; name each side`);
      }
      schemas[name] = rest;
      pending.push(...referencedIds(rest));
    }
  }
  return Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b)));
}

function assertUnique(operations: readonly Operation[]): void {
  const ids = new Set<string>();
  const routes = new Set<string>();
  for (const { operationId, method, path } of operations) {
    if (ids.has(operationId)) throw new TypeError(`${CALLER}: operationId ${operationId} is defined twice`);
    const route = `${method} ${path}`;
    if (routes.has(route)) throw new TypeError(`${CALLER}: ${route} is defined twice`);
    ids.add(operationId);
    routes.add(route);
  }
}

/**
 * The OpenAPI 3.1 document of `operations`, built from the same definitions (and so the same zod
 * schemas, credentials and scopes) as the routes, so the document and the server cannot
 * disagree. Operations marked `document: false` are left out. Served at `GET /openapi.json`.
 */
export function buildOpenApiDocument(operations: readonly Operation[]): OpenApiDocument {
  assertUnique(operations);
  const requestIds = new Set<string>();
  const responseIds = new Set<string>([ERROR_SCHEMA_ID]);
  const paths: Record<string, Record<string, JsonObject>> = {};
  const tags = new Set<OperationTag>();
  for (const operation of operations) {
    if (operation.document === false) continue;
    paths[operation.path] ??= {};
    (paths[operation.path] as Record<string, JsonObject>)[operation.method.toLowerCase()] = operationObject(
      operation,
      requestIds,
      responseIds,
    );
    for (const tag of operation.tags) tags.add(tag);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'keyward reference server',
      version: '0.0.0',
      description:
        'Issues, lists and revokes API keys per tenant and environment, mints customer portal sessions and receives signed webhooks. Authenticate with X-API-Key; portal routes with X-Session-Token; the webhook receiver with a Standard Webhooks signature.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [
      {
        url: 'http://127.0.0.1:3000',
        description:
          'The reference server as `pnpm start` runs it; PORT and HOST move it, and a deployment has its own origin.',
      },
    ],
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    tags: (Object.keys(OPERATION_TAGS) as OperationTag[])
      .filter((tag) => tags.has(tag))
      .map((name) => ({ name, description: OPERATION_TAGS[name] })),
    components: {
      headers: {
        RequestId: {
          description:
            "The request's id in the server's log: the caller's own X-Request-Id when it is 1 to 64 letters, digits, '.', '_', ':' or '-', else a new UUID.",
          required: true,
          schema: { type: 'string' },
        },
      },
      securitySchemes: {
        ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        SessionToken: {
          type: 'apiKey',
          in: 'header',
          name: 'X-Session-Token',
          description: 'A customer portal session token (kws_…), minted with POST /v1/portal/sessions.',
        },
        WebhookSignature: {
          type: 'apiKey',
          in: 'header',
          name: 'webhook-signature',
          description:
            "Standard Webhooks: space-separated v1,<base64 HMAC-SHA256> signatures of `{webhook-id}.{webhook-timestamp}.{body}` with the endpoint's whsec_ secret.",
        },
      },
      parameters: {
        WebhookId: {
          name: 'webhook-id',
          in: 'header',
          required: true,
          schema: { type: 'string' },
          description: 'The message id, the same for every attempt of one event; a second delivery with it is 409.',
        },
        WebhookTimestamp: {
          name: 'webhook-timestamp',
          in: 'header',
          required: true,
          schema: { type: 'string', pattern: '^[0-9]+$' },
          description: "Unix seconds of this attempt, within the endpoint's tolerance of the server's clock.",
        },
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          schema: {
            type: 'string',
            minLength: IDEMPOTENCY_KEY_RULE.minLength,
            maxLength: IDEMPOTENCY_KEY_RULE.maxLength,
            pattern: '^[\\x21-\\x7e]+$',
          },
          description:
            'Makes the request safe to retry: random per logical request (32 random bytes, say) and the same on its retries. Within 24 hours a retry with the same request gets the first answer again (with Idempotent-Replayed: true) and makes nothing; with another request it is 422 idempotency_key_reused. Keep it secret: with it, the stored answer (which holds the new key) can be read.',
        },
        EnvironmentId: {
          name: 'X-Environment-ID',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description: "When sent, must be the key's environment (else 403 environment_mismatch).",
        },
      },
      schemas: componentSchemas(requestIds, responseIds),
    },
    paths,
  };
}

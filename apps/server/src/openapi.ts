import { z } from 'zod';
import {
  apiKeyListSchema,
  apiKeySchema,
  createdApiKeySchema,
  createKeyBodySchema,
  errorSchema,
  healthSchema,
  listKeysQuerySchema,
  meSchema,
  rotateKeyBodySchema,
  updateKeyBodySchema,
} from './schemas.js';

type JsonObject = Record<string, unknown>;

const REQUEST_SCHEMAS = {
  CreateApiKeyRequest: createKeyBodySchema,
  UpdateApiKeyRequest: updateKeyBodySchema,
  RotateApiKeyRequest: rotateKeyBodySchema,
};
const RESPONSE_SCHEMAS = {
  ApiKey: apiKeySchema,
  ApiKeyList: apiKeyListSchema,
  CreatedApiKey: createdApiKeySchema,
  ApiKeyContext: meSchema,
  Health: healthSchema,
  Error: errorSchema,
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

// Requests are described as the client writes them (zod's input side, with defaults and
// optional fields), responses as the server sends them (the output side).
function components(): JsonObject {
  const uri = (id: string) => `#/components/schemas/${id}`;
  const input = z.toJSONSchema(z.globalRegistry, { io: 'input', uri }).schemas;
  const output = z.toJSONSchema(z.globalRegistry, { io: 'output', uri }).schemas;
  const pick = (from: Record<string, JsonObject>, names: string[]) =>
    Object.fromEntries(
      names.map((name) => {
        const schema = from[name];
        if (!schema) throw new Error(`openapi: schema ${name} is not registered`);
        const { $schema: _s, $id: _i, ...rest } = schema;
        return [name, rest];
      }),
    );
  return {
    ...pick(input as Record<string, JsonObject>, Object.keys(REQUEST_SCHEMAS)),
    ...pick(output as Record<string, JsonObject>, Object.keys(RESPONSE_SCHEMAS)),
  };
}

function queryParameters(schema: z.ZodType): JsonObject[] {
  const json = z.toJSONSchema(schema, { io: 'input' }) as {
    properties?: Record<string, JsonObject>;
    required?: string[];
  };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: 'query',
      required: json.required?.includes(name) ?? false,
      ...(description === undefined ? {} : { description }),
      schema: rest,
    };
  });
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: ref('Error') } },
});

const AUTH_ERRORS = {
  '401': errorResponse('missing_api_key or invalid_api_key (unknown, malformed or revoked key)'),
  '403': errorResponse('inactive_api_key, expired_api_key, environment_mismatch or insufficient_scope'),
  '429': {
    ...errorResponse('too_many_requests: too many failed attempts from this address'),
    headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' } },
  },
  '503': errorResponse('auth_unavailable: the key store cannot answer'),
};

function json(description: string, schema: string) {
  return { description, content: { 'application/json': { schema: ref(schema) } } };
}

function body(schema: string, required = true) {
  return { required, content: { 'application/json': { schema: ref(schema) } } };
}

function authed(operation: JsonObject, responses: JsonObject, extra: string[] = []): JsonObject {
  const errors: JsonObject = { ...AUTH_ERRORS };
  if (extra.includes('400')) errors['400'] = errorResponse('validation_error: the message names the bad field');
  if (extra.includes('404')) errors['404'] = errorResponse('not_found: no such key in this tenant and environment');
  return {
    ...operation,
    security: [{ ApiKeyAuth: [] }],
    parameters: [
      ...((operation.parameters as JsonObject[] | undefined) ?? []),
      { $ref: '#/components/parameters/EnvironmentId' },
    ],
    responses: { ...responses, ...errors },
  };
}

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string' },
  description: 'The key id (`key_…`)',
};

/**
 * The OpenAPI 3.1 document of the server, built from the zod schemas the routes validate with,
 * so the document and the validation cannot disagree. Served at `GET /openapi.json`.
 */
export function buildOpenApiDocument(): JsonObject {
  return {
    openapi: '3.1.0',
    info: {
      title: 'keyward reference server',
      version: '0.0.0',
      description: 'Issues, lists and revokes API keys per tenant and environment. Authenticate with X-API-Key.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    components: {
      securitySchemes: { ApiKeyAuth: { type: 'apiKey', in: 'header', name: 'X-API-Key' } },
      parameters: {
        EnvironmentId: {
          name: 'X-Environment-ID',
          in: 'header',
          required: false,
          schema: { type: 'string' },
          description: "When sent, must be the key's environment (else 403 environment_mismatch).",
        },
      },
      schemas: components(),
    },
    paths: {
      '/health': {
        get: { operationId: 'getHealth', security: [], responses: { '200': json('The server is up', 'Health') } },
      },
      '/openapi.json': {
        get: {
          operationId: 'getOpenApiDocument',
          security: [],
          responses: {
            '200': { description: 'This document', content: { 'application/json': { schema: { type: 'object' } } } },
          },
        },
      },
      '/v1/me': {
        get: authed(
          { operationId: 'getMe', summary: 'The calling key' },
          { '200': json("The calling key's context", 'ApiKeyContext') },
        ),
      },
      '/v1/secrets/api/keys': {
        get: authed(
          {
            operationId: 'listApiKeys',
            summary: 'List keys (keys:read), newest first',
            parameters: queryParameters(listKeysQuerySchema),
          },
          { '200': json('One page of keys', 'ApiKeyList') },
          ['400'],
        ),
        post: authed(
          {
            operationId: 'createApiKey',
            summary: 'Create a key (keys:write)',
            requestBody: body('CreateApiKeyRequest'),
          },
          { '201': json('The new key, shown this once, and its record', 'CreatedApiKey') },
          ['400'],
        ),
      },
      '/v1/secrets/api/keys/{id}': {
        get: authed(
          { operationId: 'getApiKey', summary: 'Get a key (keys:read)', parameters: [idParameter] },
          { '200': json('The key', 'ApiKey') },
          ['404'],
        ),
        patch: authed(
          {
            operationId: 'updateApiKey',
            summary: 'Rename, deactivate or reactivate a key (keys:write)',
            parameters: [idParameter],
            requestBody: body('UpdateApiKeyRequest'),
          },
          { '200': json('The changed key', 'ApiKey') },
          ['400', '404'],
        ),
        delete: authed(
          { operationId: 'revokeApiKey', summary: 'Revoke a key at once (keys:write)', parameters: [idParameter] },
          { '204': { description: 'Revoked' } },
          ['404'],
        ),
      },
      '/v1/secrets/api/keys/{id}/rotate': {
        post: authed(
          {
            operationId: 'rotateApiKey',
            summary: 'Replace a key, keeping the old one for a grace period (keys:write)',
            parameters: [idParameter],
            requestBody: body('RotateApiKeyRequest', false),
          },
          { '201': json('The new key, shown this once, and its record', 'CreatedApiKey') },
          ['400', '404'],
        ),
      },
    },
  };
}

import type { ApiKeyContext, PortalSession } from '@keyward/core';
import type { VerifiedWebhook, WebhookEndpointSecrets } from '@keyward/core/adapter';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { OpenApiDocument } from './schemas.js';
import type { ServerStorage } from './server-storage.js';

const CALLER = '@keyward/server: defineOperation';

/**
 * The credential an operation needs, each checked by a guard of `@keyward/fastify` before the
 * handler runs. `'apiKey'`: an `X-API-Key` with the operation's scopes; `'session'`: a portal
 * session token in `X-Session-Token` (an API key is never one); `'signature'`: a Standard
 * Webhooks signature over the exact body, with the secrets the operation's `secrets` finds;
 * `'none'`: open to anyone. Every place that depends on it switches over it exhaustively, so
 * TypeScript lists what a new member needs.
 */
export type OperationAuth = 'apiKey' | 'session' | 'signature' | 'none';

const AUTHS: readonly OperationAuth[] = ['apiKey', 'session', 'signature', 'none'];

/** The HTTP methods the server's operations use. */
type OperationMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** The groups of the OpenAPI document, each with the sentence it shows for the group. */
export const OPERATION_TAGS = {
  keys: "Issue, list, change, rotate and revoke API keys in the calling key's tenant and environment.",
  portal:
    'Customer portal sessions: minted with a key that holds portal:write, then used with their token in X-Session-Token.',
  webhooks: 'Webhook endpoints managed with a key, and the public receiver that checks Standard Webhooks signatures.',
  identity: 'Who the calling key is.',
  service: 'The server itself: health and this document.',
} as const;

/** One of the {@link OPERATION_TAGS}. */
export type OperationTag = keyof typeof OPERATION_TAGS;

/**
 * The largest JSON body any operation accepts. The API's bodies are a few hundred bytes; a small
 * limit keeps a flood cheap. A route that needs more (or the exact bytes) says so with a
 * {@link RawBody}.
 */
export const JSON_BODY_LIMIT = 64 * 1024;

/** A JSON body, parsed app-wide and validated with `schema` (400 `validation_error` naming the field). */
interface JsonBody<S extends z.ZodType = z.ZodType> {
  /** The body's shape; it needs `.meta({ id })`, the name it has in the OpenAPI document. */
  schema: S;
  /** `false`: the body may be left out (or empty), and the handler gets `undefined`. Default `true`. */
  required?: boolean;
}

/**
 * A body the handler gets as the exact bytes that arrived (a `Buffer`), whatever the content
 * type, for checks that JSON parsing would break, such as webhook signatures. The route is
 * registered in a context of its own, whose only parser keeps the bytes, so every other route
 * keeps the app's JSON parser and its {@link JSON_BODY_LIMIT}.
 */
interface RawBody {
  raw: true;
  /** The most bytes this route accepts; more is answered 413 before the handler runs. */
  limit: number;
  /** What the bytes are, for the OpenAPI document. */
  description: string;
}

/** What an operation accepts as its request body. */
export type OperationBody = JsonBody | RawBody;

/** A JSON success response of `schema`, which needs `.meta({ id })`, its name in the document. */
interface JsonResponse<S extends z.ZodType = z.ZodType> {
  status: 200 | 201;
  description: string;
  schema: S;
  /**
   * The body holds a secret shown this once (a key, a session token, a webhook secret): it is
   * sent with `Cache-Control: no-store`, so that no browser or proxy cache keeps a copy.
   */
  noStore?: true;
}

/** A success response with no body. */
interface EmptyResponse {
  status: 204;
  description: string;
}

/** A success response that is not JSON (a page, a script): the handler returns the text. */
interface TextResponse {
  status: 200;
  description: string;
  contentType: string;
}

/**
 * A redirect to `location` on this server, with no body (`/` to the dashboard): the handler
 * returns nothing.
 */
interface RedirectResponse {
  status: 302;
  description: string;
  location: string;
}

/** The one success response of an operation. */
export type OperationResponse = JsonResponse | EmptyResponse | TextResponse | RedirectResponse;

/**
 * Error statuses the handler itself may answer, each with what it means there (for a
 * `'signature'` operation, the 404 of its `secrets` too). The statuses that follow from the
 * definition are added without being listed: 400 for a query or JSON body, 413 for a body, and
 * the credential's own (401, 403, 429, 503 for `'apiKey'`; 401, 429, 503 for `'session'`; 401,
 * 503 for `'signature'`).
 */
interface OperationErrors {
  400?: string;
  404?: string;
  409?: string;
  /** For an operation that reports on a store itself (`/ready`), rather than through a credential. */
  503?: string;
}

/**
 * The `Idempotency-Key` header, on an operation that declares `idempotencyKey: true`: 32 to 255
 * printable ASCII characters. Sent again with the same request within 24 hours, the store
 * answers the first call's result instead of running it again (422 `idempotency_key_reused`
 * with another request).
 */
export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';

/** What every handler may use besides its request: the app's storage, clock and document. */
export interface OperationServices {
  storage: ServerStorage;
  now: () => Date;
  /** The OpenAPI document of the app's operations, built once when the app is. */
  openApiDocument: OpenApiDocument;
}

type Output<S> = S extends z.ZodType ? z.output<S> : undefined;

type BodyOutput<B> = B extends RawBody
  ? Buffer
  : B extends JsonBody<infer S>
    ? B extends { required: false }
      ? z.output<S> | undefined
      : z.output<S>
    : undefined;

/** What an operation's handler receives: the request, validated. */
interface OperationInput<A extends OperationAuth, P, Q, B> {
  request: FastifyRequest;
  reply: FastifyReply;
  /** The calling key's context on `'apiKey'` operations (the guard has checked it), else `null`. */
  apiKey: A extends 'apiKey' ? ApiKeyContext : null;
  /** Who the session acts for on `'session'` operations (the guard has checked the token), else `null`. */
  portalSession: A extends 'session' ? PortalSession : null;
  /** The webhook whose signature verified on `'signature'` operations, else `null`. */
  webhook: A extends 'signature' ? VerifiedWebhook : null;
  /** The path parameters, validated with `params`. */
  params: Output<P>;
  /** The query, validated with `query`. */
  query: Output<Q>;
  /** The body: validated JSON, the exact bytes of a {@link RawBody}, or `undefined`. */
  body: BodyOutput<B>;
  /** The validated `Idempotency-Key` header of an `idempotencyKey: true` operation, or `undefined`. */
  idempotencyKey: string | undefined;
}

/** What an operation's handler returns: the JSON body, the text, or nothing for 204. */
type OperationResult<R> =
  R extends JsonResponse<infer S>
    ? z.output<S>
    : R extends TextResponse
      ? string
      : // biome-ignore lint/suspicious/noConfusingVoidType: a 204 handler is an async function without a return, whose type is Promise<void>
        void;

/**
 * One operation of the server's API: everything the Fastify route and the OpenAPI document are
 * built from, so that the two cannot disagree.
 */
export interface OperationDefinition<
  A extends OperationAuth = OperationAuth,
  P extends z.ZodObject | undefined = z.ZodObject | undefined,
  Q extends z.ZodObject | undefined = z.ZodObject | undefined,
  B extends OperationBody | undefined = OperationBody | undefined,
  R extends OperationResponse = OperationResponse,
> {
  /** Unique, camelCase: the name clients generated from the document give the call. */
  operationId: string;
  method: OperationMethod;
  /** OpenAPI style, parameters in braces: `/v1/secrets/api/keys/{id}`. */
  path: string;
  /** The credential it needs. */
  auth: A;
  /** Scopes the key needs (`'apiKey'` only); shown after the summary in the document. */
  scopes?: readonly string[];
  /**
   * `'signature'` only, and required there: the secrets a delivery to this route must be signed
   * with (and the endpoint's tolerance), found from the validated path parameters, or `null`
   * when there is no such endpoint: 404 `not_found`, the same for every reason. Runs after the
   * body is read within its limit (413 first), before any signature is computed.
   */
  secrets?(input: { params: Output<P> }, services: OperationServices): Promise<WebhookEndpointSecrets | null>;
  summary: string;
  description?: string;
  tags: readonly OperationTag[];
  /**
   * `false` for a route that is served but is not part of the API (the dashboard's page and
   * script): it is left out of the OpenAPI document, deliberately and visibly.
   */
  document?: false;
  /** Path parameters: one field per `{name}` in `path`. */
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  errors?: OperationErrors;
  /**
   * `true`: the operation takes an optional `Idempotency-Key` header (a POST only), validated
   * before the handler (400 naming `headers.idempotency-key`) and handed to it; the document
   * lists the header and the 422 `idempotency_key_reused` answer.
   */
  idempotencyKey?: true;
  // A method, not a property, so that a definition with specific types is also an
  // `Operation` (method parameters are compared bivariantly).
  handler(
    input: OperationInput<A, P, Q, B>,
    services: OperationServices,
  ): OperationResult<R> | Promise<OperationResult<R>>;
}

/** Any operation, as lists of them hold it. */
export type Operation = OperationDefinition;

const METHODS: readonly OperationMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const OPERATION_ID = /^[a-z][A-Za-z0-9]*$/;
const PATH = /^(?:\/(?:[a-z0-9._-]+|\{[a-z_][a-z0-9_]*\}))+$|^\/$/;

/** The names of the `{parameters}` of an OpenAPI path, in order. */
function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] as string);
}

/** A named schema's name in the OpenAPI document (its `.meta({ id })`), or `undefined`. */
export function schemaIdOf(schema: z.ZodType): string | undefined {
  return z.globalRegistry.get(schema)?.id;
}

/**
 * Defines one operation of the server's API: method, path, credential, scopes, documentation,
 * the zod schemas of its path, query and body, its success response and error statuses, and the
 * handler. The Fastify route (`registerOperations`) and the OpenAPI document
 * (`buildOpenApiDocument`) are both built from it. The definition is checked here, so that a
 * mistake stops the app at boot, naming the operation.
 *
 * @example
 * export const getMe = defineOperation({
 *   operationId: 'getMe', method: 'GET', path: '/v1/me', auth: 'apiKey',
 *   summary: 'The calling key', tags: ['identity'],
 *   response: { status: 200, description: "The calling key's context", schema: meSchema },
 *   handler: ({ apiKey }) => toWireContext(apiKey),
 * });
 */
export function defineOperation<
  const A extends OperationAuth,
  P extends z.ZodObject | undefined = undefined,
  Q extends z.ZodObject | undefined = undefined,
  const B extends OperationBody | undefined = undefined,
  const R extends OperationResponse = OperationResponse,
>(definition: OperationDefinition<A, P, Q, B, R>): OperationDefinition<A, P, Q, B, R> {
  assertValidDefinition(definition);
  return definition;
}

function assertValidDefinition(definition: Operation): void {
  const { operationId, method, path, auth, scopes, params, body, response } = definition;
  if (typeof operationId !== 'string' || !OPERATION_ID.test(operationId)) {
    throw new TypeError(`${CALLER}: operationId must be camelCase letters and digits, got ${String(operationId)}`);
  }
  const fail = (message: string): never => {
    throw new TypeError(`${CALLER}: ${operationId}: ${message}`);
  };
  if (!METHODS.includes(method)) fail(`method must be one of ${METHODS.join(', ')}`);
  if (typeof path !== 'string' || !PATH.test(path)) {
    fail('path must be like /v1/things/{id}: lowercase segments, parameters in braces');
  }
  if (!AUTHS.includes(auth)) fail(`auth must be one of ${AUTHS.map((a) => `'${a}'`).join(', ')}, got ${String(auth)}`);
  // A scope can only be held by a key: a session, a signature or an open route that "needs"
  // one would be a lie.
  if (auth !== 'apiKey' && scopes !== undefined) fail("scopes need auth: 'apiKey'");
  const signed = auth === 'signature';
  if (signed !== (typeof definition.secrets === 'function')) {
    fail(signed ? "auth: 'signature' needs secrets, a function" : "secrets need auth: 'signature'");
  }
  // The signature covers the exact bytes: parsed JSON could not be checked against it.
  if (signed && (body === undefined || !('raw' in body))) fail("auth: 'signature' needs a raw body");
  const inPath = pathParameterNames(path).sort();
  const inSchema = params === undefined ? [] : Object.keys(params.shape).sort();
  if (inPath.join() !== inSchema.join()) {
    fail(`params must have exactly the path's parameters (${inPath.join(', ') || 'none'})`);
  }
  if (body !== undefined && method === 'GET') fail('a GET has no body');
  if (body !== undefined && 'raw' in body) {
    if (!Number.isSafeInteger(body.limit) || body.limit <= 0)
      fail('body.limit must be a positive whole number of bytes');
  } else if (body !== undefined && schemaIdOf(body.schema) === undefined) {
    fail('body.schema needs .meta({ id }), its name in the OpenAPI document');
  }
  // Only to a path of this server: a redirect elsewhere would be an open door to phishing.
  if ('location' in response && !/^\/(?!\/)/.test(response.location)) {
    fail('response.location must be a path on this server, like /dashboard');
  }
  if ('schema' in response && schemaIdOf(response.schema) === undefined) {
    fail('response.schema needs .meta({ id }), its name in the OpenAPI document');
  }
  if (definition.idempotencyKey !== undefined && (definition.idempotencyKey !== true || method !== 'POST')) {
    fail('idempotencyKey must be true, on a POST');
  }
  if (typeof definition.handler !== 'function') fail('handler must be a function');
}

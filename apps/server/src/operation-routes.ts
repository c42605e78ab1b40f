import { ApiKeyError } from '@keyward/core';
import { isIdempotencyKey } from '@keyward/core/adapter';
import { IDEMPOTENCY_KEY_RULE } from '@keyward/core/store';
import { getApiKey, getPortalSession, type KeywardRouteConfig, sendApiKeyError, webhookAuth } from '@keyward/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { logRefusalCause } from './log-store-failure.js';
import { IDEMPOTENCY_KEY_HEADER, type Operation, type OperationBody, type OperationServices } from './operation.js';
import { validate } from './validate.js';

/** Options of {@link operationRoutes}. */
export interface OperationRoutesOptions {
  operations: readonly Operation[];
  services: OperationServices;
}

/** Fastify's spelling of an OpenAPI path: `/v1/keys/{id}` becomes `/v1/keys/:id`. */
function toFastifyPath(path: string): string {
  return path.replace(/\{([^}]+)\}/g, ':$1');
}

/** What `@keyward/fastify` reads from the route's `config.keyward` for this credential. */
function routeGuardOf(operation: Operation): KeywardRouteConfig {
  switch (operation.auth) {
    case 'apiKey':
      return operation.scopes === undefined ? { auth: 'apiKey' } : { auth: 'apiKey', scopes: operation.scopes };
    case 'session':
      return { auth: 'session' };
    case 'signature':
      return { auth: 'signature' };
    case 'none':
      return { auth: 'none' };
  }
}

function bodyOf(body: OperationBody | undefined, request: FastifyRequest): unknown {
  if (body === undefined) return undefined;
  // A bodiless request to a raw route reaches no parser: the handler still gets bytes, none.
  if ('raw' in body) return Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  // `null` too, as `{}` was before: a client that sends JSON null means "nothing to say".
  if (body.required === false && (request.body === undefined || request.body === null)) return undefined;
  return validate(body.schema, request.body, 'body');
}

function verifiedWebhookOf(request: FastifyRequest) {
  // The guard has refused every request whose signature did not verify; should that ever
  // change, the handler is refused a webhook rather than handed an unverified one.
  if (request.webhook === null) throw new ApiKeyError('internal_error');
  return request.webhook;
}

function idempotencyKeyOf(operation: Operation, request: FastifyRequest): string | undefined {
  if (operation.idempotencyKey !== true) return undefined;
  // Sent twice, Node joins the values with ", ": refused below, as the space is not allowed.
  const value = request.headers[IDEMPOTENCY_KEY_HEADER];
  if (value === undefined) return undefined;
  if (!isIdempotencyKey(value)) {
    // The message names the header, never quotes its value: it protects a key shown once.
    throw new ApiKeyError('validation_error', {
      message: `headers.${IDEMPOTENCY_KEY_HEADER}: ${IDEMPOTENCY_KEY_RULE.message}`,
    });
  }
  return value;
}

function routeOf(operation: Operation, services: OperationServices): RouteOptions {
  const { response } = operation;
  return {
    method: operation.method,
    url: toFastifyPath(operation.path),
    config: { keyward: routeGuardOf(operation) },
    handler: async (request: FastifyRequest, reply: FastifyReply) => {
      const result = await operation.handler(
        {
          request,
          reply,
          // The guards have already refused a request without a valid credential; these
          // refuse again rather than hand a handler a missing context, should that ever change.
          apiKey: operation.auth === 'apiKey' ? getApiKey(request) : null,
          portalSession: operation.auth === 'session' ? getPortalSession(request) : null,
          webhook: operation.auth === 'signature' ? verifiedWebhookOf(request) : null,
          params: operation.params === undefined ? undefined : validate(operation.params, request.params, 'path'),
          query: operation.query === undefined ? undefined : validate(operation.query, request.query ?? {}, 'query'),
          body: bodyOf(operation.body, request),
          idempotencyKey: idempotencyKeyOf(operation, request),
        },
        services,
      );
      reply.code(response.status);
      if ('contentType' in response) reply.type(response.contentType);
      if ('schema' in response && response.noStore) reply.header('cache-control', 'no-store');
      if ('location' in response) return reply.header('location', response.location).send();
      if (response.status === 204) return reply.send();
      return result;
    },
  };
}

/** A body over its route's limit, in the words every other route uses. */
function bodyTooLarge(limit: number): ApiKeyError {
  return new ApiKeyError('payload_too_large', { message: `body: larger than the limit of ${limit} bytes` });
}

/**
 * Registers each operation as a Fastify route guarded by `config.keyward`. An operation with a
 * raw body gets a context of its own whose only parser keeps the exact bytes of any content type,
 * within the operation's limit; every other route keeps the app's JSON parser and limit. A
 * `'signature'` operation's context is `webhookAuth`'s, which reads the bytes within the limit
 * (413 first), finds the secrets with the operation's `secrets` (404 when there are none) and
 * verifies them before the handler runs. Key and session tokens are checked in `onRequest`,
 * before any parser, so a refused credential never has its body read.
 *
 * @example
 * app.register(operationRoutes, { operations: SERVER_OPERATIONS, services });
 */
export async function operationRoutes(app: FastifyInstance, options: OperationRoutesOptions): Promise<void> {
  const { operations, services } = options;
  for (const operation of operations) {
    const route = routeOf(operation, services);
    const { body } = operation;
    if (body === undefined || !('raw' in body)) {
      app.route(route);
      continue;
    }
    if (operation.auth === 'signature') {
      const findSecrets = operation.secrets as NonNullable<Operation['secrets']>;
      app.register(async (scope) => {
        await scope.register(webhookAuth, {
          limit: body.limit,
          secrets: (request) =>
            findSecrets(
              {
                params: operation.params === undefined ? undefined : validate(operation.params, request.params, 'path'),
              },
              services,
            ),
          onError: (error, request, reply) => {
            if (error.code === 'payload_too_large') return sendApiKeyError(reply, bodyTooLarge(body.limit));
            logRefusalCause(error, request);
          },
        });
        scope.route(route);
      });
      continue;
    }
    app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, bytes, done) => done(null, bytes));
      scope.route({ ...route, bodyLimit: body.limit });
    });
  }
}

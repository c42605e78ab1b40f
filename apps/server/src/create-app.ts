import { randomUUID } from 'node:crypto';
import {
  ApiKeyError,
  chainKeyStores,
  isApiKeyError,
  isDevKeyAllowed,
  type KeyConfig,
  MemoryKeyStore,
} from '@keyward/core';
import { type ApiKeyGuardOptions, assertKnownOptions } from '@keyward/core/adapter';
import apiKeyAuth, { sendApiKeyError, sessionAuth } from '@keyward/fastify';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerOptions,
} from 'fastify';
import { onClientError } from './client-error.js';
import { logRefusalCause } from './log-store-failure.js';
import { loggerOptions } from './logging.js';
import { buildOpenApiDocument } from './openapi.js';
import { JSON_BODY_LIMIT } from './operation.js';
import { operationRoutes } from './operation-routes.js';
import { SERVER_OPERATIONS } from './routes/index.js';
import { assertServerStorage, type ServerStorage } from './server-storage.js';

const CALLER = '@keyward/server: createApp';

/** Options for {@link createApp}. */
export interface CreateAppOptions {
  /**
   * Where the server keeps what it manages: `keys` (a `ManagedKeyStore`), `sessions` (a
   * `ManagedSessionStore`) and `webhooks` (a `ManagedWebhookStore`), all three required.
   */
  storage: ServerStorage;
  /** Static keys by hash, from `KEYWARD_CONFIG`, raw JSON or parsed with `parseKeyConfig`. */
  staticKeys?: KeyConfig | unknown;
  /**
   * Accept the public development key `DEV_API_KEY`. Default `false`; `createApp` throws when it
   * is `true` and `NODE_ENV` is `production`.
   */
  devKey?: boolean;
  /** Fastify's pino options (`{ level, stream }`), `true` for the defaults, `false` for none. Default `false`. */
  logger?: FastifyServerOptions['logger'];
  /** Failed attempts per client address before 429 (see `@keyward/fastify`). Default 20 a minute. */
  failureLimit?: ApiKeyGuardOptions['failureLimit'];
  /** Fastify's `trustProxy`, so the failure limit counts the real client behind a load balancer. */
  trustProxy?: FastifyServerOptions['trustProxy'];
  /**
   * Milliseconds within which a request, headers and body, must arrive; a slower one is answered
   * 408 and its connection closed. Default 30 000.
   */
  requestTimeout?: number;
  /** Milliseconds an idle connection is kept open between requests. Default 72 000. */
  keepAliveTimeout?: number;
  /** The clock, for tests (checks that `expires_at` is in the future). */
  now?: () => Date;
}

const CREATE_APP_OPTIONS = [
  'storage',
  'staticKeys',
  'devKey',
  'logger',
  'failureLimit',
  'trustProxy',
  'requestTimeout',
  'keepAliveTimeout',
  'now',
] as const satisfies ReadonlyArray<keyof CreateAppOptions>;

const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
// Fastify's own default: longer than the 60 s idle timeout of common load balancers, so that the
// balancer closes an idle connection first and never sends a request into one being closed.
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 72_000;
// The longest timer Node keeps (2^31 - 1 ms); a longer one fires at once.
const MAX_TIMER_MS = 2_147_483_647;
// How often Node looks for requests past their timeout. Its default, 30 s, would let a request
// run up to 30 s past requestTimeout; one pass a second over the open connections is cheap.
const TIMEOUT_CHECK_INTERVAL_MS = 1_000;

function checkMilliseconds(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_TIMER_MS) {
    throw new TypeError(`${CALLER}: options.${name} must be a whole number of milliseconds from 1 to ${MAX_TIMER_MS}`);
  }
  return value;
}

// An incoming request id is echoed only if it is short and plain, so a caller cannot inject
// log lines or oversized headers through it.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

// `type/subtype` and parameters: what a Content-Type must look like before any parser is chosen.
const MEDIA_TYPE = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(;.*)?$/;

// Errors that Fastify raises itself (a body that is not JSON, of the wrong type) are told with
// fixed messages: JSON.parse's own message quotes the input, which may be a key.
function toApiError(err: FastifyError, request: FastifyRequest): ApiKeyError {
  if (isApiKeyError(err)) return err;
  const status = err.statusCode ?? 500;
  if (status === 404) return new ApiKeyError('not_found');
  if (status === 415) {
    // A raw-body route (the webhook receiver) takes any media type, so there a 415 only ever
    // means a Content-Type that is not one at all; "must be JSON" would send its sender astray.
    const contentType = request.headers['content-type'];
    const wellFormed = contentType === undefined || MEDIA_TYPE.test(contentType);
    return new ApiKeyError('validation_error', {
      message: wellFormed
        ? 'body: Content-Type must be application/json'
        : 'body: Content-Type is not a valid media type',
    });
  }
  if (status >= 400 && status < 500) {
    const isJson = err instanceof SyntaxError || /JSON/.test(err.code ?? '');
    return new ApiKeyError('validation_error', { message: isJson ? 'body: not valid JSON' : 'Invalid request' });
  }
  return new ApiKeyError('internal_error', { cause: err });
}

// The longest path parameter the router takes: well above any id a store holds (tenant and
// environment ids are up to 128 characters), so that every valid id reaches its route. Fastify's
// default, 100, would refuse a valid 101-character tenant id before any route could see it.
const MAX_PARAM_LENGTH = 1024;

// What the router refuses before any route or hook runs, in keyward's one error body, never
// Fastify's own, which quotes the path. A parameter over MAX_PARAM_LENGTH names nothing a store
// could hold: not found.
function toFrameworkError(err: FastifyError): ApiKeyError {
  switch (err.code) {
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ApiKeyError('not_found');
    case 'FST_ERR_BAD_URL':
      return new ApiKeyError('validation_error', { message: 'path: not a valid URL' });
    default:
      return new ApiKeyError('internal_error', { cause: err });
  }
}

// A body over the route's limit is 413 payload_too_large; the message names the limit, which
// is the caller's to respect.
function sendBodyTooLarge(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const limit = request.routeOptions.bodyLimit ?? JSON_BODY_LIMIT;
  return sendApiKeyError(
    reply,
    new ApiKeyError('payload_too_large', { message: `body: larger than the limit of ${limit} bytes` }),
  );
}

/**
 * Builds the reference server (docs/server.md) without listening: call `app.listen()` or
 * `app.inject()`. Requests authenticate against the static keys (and the development key, when
 * on) first, then `storage.keys`, where keys are issued and managed. Unknown options, and
 * unknown fields of `storage`, are refused with the name they were probably meant to be.
 *
 * @example
 * const storage = { keys: new MemoryKeyStore(), sessions: new MemorySessionStore(), webhooks: new MemoryWebhookStore() };
 * const app = createApp({ storage, devKey: true });
 * const res = await app.inject({ url: '/v1/me', headers: { 'x-api-key': DEV_API_KEY } });
 */
export function createApp(options: CreateAppOptions): FastifyInstance {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${CALLER}: options must be an object such as { storage: { keys, sessions, webhooks } }`);
  }
  assertKnownOptions(options, CREATE_APP_OPTIONS, CALLER);
  const { storage, devKey = false, now = () => new Date() } = options;
  assertServerStorage(storage, CALLER);
  if (devKey && !isDevKeyAllowed()) {
    throw new Error(`${CALLER}: the development key cannot be enabled when NODE_ENV is production`);
  }
  const requestTimeout = checkMilliseconds('requestTimeout', options.requestTimeout, DEFAULT_REQUEST_TIMEOUT_MS);
  const keepAliveTimeout = checkMilliseconds(
    'keepAliveTimeout',
    options.keepAliveTimeout,
    DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  );
  const staticStore = MemoryKeyStore.fromConfig(options.staticKeys ?? { keys: [] }, { devKey });

  const app = Fastify({
    logger: loggerOptions(options.logger),
    clientErrorHandler: onClientError,
    // Without a request timeout a client that trickles its headers or body holds its connection
    // for ever (Fastify's default is none). Headers count against the same budget.
    requestTimeout,
    keepAliveTimeout,
    http: {
      requestTimeout,
      headersTimeout: requestTimeout,
      connectionsCheckingInterval: Math.min(TIMEOUT_CHECK_INTERVAL_MS, requestTimeout),
    },
    requestIdHeader: false,
    genReqId: (req) => {
      const incoming = req.headers['x-request-id'];
      return typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    },
    bodyLimit: JSON_BODY_LIMIT,
    trustProxy: options.trustProxy ?? false,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: (err, request, reply) => {
      const apiError = toFrameworkError(err);
      if (apiError.code === 'internal_error') request.log.error({ err }, 'request failed');
      reply.header('x-request-id', request.id);
      return sendApiKeyError(reply, apiError);
    },
  });

  // An empty body with a JSON content type (a bodiless rotate, say) reads as no body rather
  // than as an error; anything else goes through Fastify's prototype-poisoning-safe parser.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Answered before its body was read (a 401 in onRequest, a 413 on Content-Length): Node would
    // keep reading, and discarding, whatever body the client keeps sending, holding the connection
    // as long as it likes. Closing after the answer ends that.
    if (request.raw.complete === false) reply.header('connection', 'close');
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (!isApiKeyError(err) && err.statusCode === 413) return sendBodyTooLarge(request, reply);
    const apiError = toApiError(err, request);
    if (apiError.code === 'internal_error') request.log.error({ err }, 'request failed');
    return sendApiKeyError(reply, apiError);
  });
  app.setNotFoundHandler((_request, reply) => sendApiKeyError(reply, new ApiKeyError('not_found')));

  const failureLimit = options.failureLimit === undefined ? {} : { failureLimit: options.failureLimit };
  // A store that cannot answer is refused 503 with no detail; the guards log why.
  app.register(apiKeyAuth, {
    store: chainKeyStores(staticStore, storage.keys),
    ...failureLimit,
    onError: logRefusalCause,
  });
  // Portal routes (`auth: 'session'`) take a session token and nothing else; apiKeyAuth leaves
  // them to this guard, which counts its own failures per client address.
  app.register(sessionAuth, { store: storage.sessions, ...failureLimit, onError: logRefusalCause });

  // Every route is an operation (src/routes/*.ts), so the document lists exactly what is served.
  const services = { storage, now, openApiDocument: buildOpenApiDocument(SERVER_OPERATIONS) };
  app.register(operationRoutes, { operations: SERVER_OPERATIONS, services });
  return app;
}

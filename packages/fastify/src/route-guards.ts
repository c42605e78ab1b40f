// Which keyward plugin guards which route, checked at boot and again per request, so that a
// route asking for a guard that is not there is refused rather than left open.
import { ApiKeyError } from '@keyward/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CALLER } from './caller.js';
import { type OnApiKeyError, refuse } from './refuse.js';
import { type ResolvedRouteConfig, resolveRouteConfig } from './route-config.js';
import { sendApiKeyError } from './send-api-key-error.js';

/** The kinds of guard: `apiKeyAuth`, `sessionAuth`, `webhookAuth`. */
export type GuardKind = 'apiKey' | 'session' | 'signature';

// Where each kind of guard is registered. Fastify encapsulates by prototype: a child context's
// instance has its parent's in its prototype chain, so a guard covers its context and below.
const guardedContexts = new WeakMap<object, Set<GuardKind>>();
// Which guards saw a request, as bits of a number on the request itself (decorated, so every
// request has the same shape): no map, no set, no allocation per request.
const kChecked = Symbol('keyward.checkedBy');
// The route's resolved config, read once per request by the first guard hook.
const kConfig = Symbol('keyward.routeConfig');
const BIT: Record<GuardKind, number> = { apiKey: 1, session: 2, signature: 4 };

type MarkedRequest = FastifyRequest & { [kChecked]: number; [kConfig]: ResolvedRouteConfig | null };
// Resolved once per route: Fastify keeps one config object per route.
const resolvedConfigs = new WeakMap<object, ResolvedRouteConfig>();

const DEFAULT_ROUTE: ResolvedRouteConfig = { auth: 'apiKey', scopes: [], declared: false };

function isGuarded(context: object, kind: GuardKind): boolean {
  for (let at: object | null = context; at !== null && at !== Object.prototype; at = Object.getPrototypeOf(at)) {
    if (guardedContexts.get(at)?.has(kind)) return true;
  }
  return false;
}

function unguarded(route: string, kind: GuardKind): string {
  if (kind === 'session') {
    return `${CALLER}: ${route} has config.keyward.auth 'session', but no sessionAuth is registered in its context: register sessionAuth (beside apiKeyAuth)`;
  }
  if (kind === 'signature') {
    return `${CALLER}: ${route} has config.keyward.auth 'signature', but it is outside every webhookAuth context: declare it in the encapsulated context where webhookAuth is registered`;
  }
  return `${CALLER}: ${route} has config.keyward for an API key, but no apiKeyAuth is registered in its context`;
}

/**
 * The route's resolved `config.keyward`, also for a route declared before any keyward plugin
 * loaded (which no onRoute hook saw). Throws a TypeError naming the route for a bad config.
 */
export function readRouteConfig(request: FastifyRequest): ResolvedRouteConfig {
  const known = (request as MarkedRequest)[kConfig];
  if (known) return known;
  // routeOptions is a getter that builds an object: read once per request, then kept.
  const routeConfig = request.routeOptions.config;
  if (routeConfig === undefined) {
    (request as MarkedRequest)[kConfig] = DEFAULT_ROUTE;
    return DEFAULT_ROUTE;
  }
  let config = resolvedConfigs.get(routeConfig);
  if (config === undefined) {
    config = resolveRouteConfig(routeConfig.keyward, CALLER, `${request.method} ${request.routeOptions.url}`);
    resolvedConfigs.set(routeConfig, config);
  }
  (request as MarkedRequest)[kConfig] = config;
  return config;
}

/** Records that a guard of `kind` looked at this request (from its onRequest hook). */
export function markChecked(request: FastifyRequest, kind: GuardKind): void {
  (request as MarkedRequest)[kChecked] |= BIT[kind];
}

function wasChecked(request: FastifyRequest, kind: GuardKind): boolean {
  return ((request as MarkedRequest)[kChecked] & BIT[kind]) !== 0;
}

/**
 * Declares a guard of `kind` in `fastify`'s context and adds the checks every keyward plugin
 * makes: a route's `config.keyward` is validated when it is added (a typo stops the app); at
 * ready, a route that asks for a guard registered neither in its context nor above stops the
 * app; and per request (for routes added before any plugin could see them), such a route
 * answers 500 `internal_error`, logged, and is never let through.
 */
export function installRouteGuard(fastify: FastifyInstance, kind: GuardKind): void {
  if (!fastify.hasRequestDecorator(kChecked)) fastify.decorateRequest(kChecked, 0);
  if (!fastify.hasRequestDecorator(kConfig)) fastify.decorateRequest(kConfig, null);
  const kinds = guardedContexts.get(fastify) ?? new Set<GuardKind>();
  kinds.add(kind);
  guardedContexts.set(fastify, kinds);

  const declared: { route: string; kind: GuardKind; context: object }[] = [];
  fastify.addHook('onRoute', function (route) {
    const label = `${route.method} ${route.url}`;
    const config = resolveRouteConfig(route.config?.keyward, CALLER, label);
    // `this` is the instance the route was declared on: its context decides what guards it.
    if (config.declared && config.auth !== 'none') declared.push({ route: label, kind: config.auth, context: this });
  });
  fastify.addHook('onReady', async () => {
    const open = declared.find(({ kind, context }) => !isGuarded(context, kind));
    if (open !== undefined) throw new TypeError(unguarded(open.route, open.kind));
  });
  // preHandler: after every onRequest hook, so every guard that applies has marked the request.
  // A callback hook, not an async one: it runs on every request and usually has nothing to do.
  fastify.addHook('preHandler', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    let config: ResolvedRouteConfig;
    try {
      config = readRouteConfig(request);
    } catch (err) {
      request.log.error({ err }, 'keyward route config is invalid');
      sendApiKeyError(reply, new ApiKeyError('internal_error'));
      return;
    }
    if (!config.declared || config.auth === 'none' || wasChecked(request, config.auth)) {
      done();
      return;
    }
    request.log.error(unguarded(`${request.method} ${request.routeOptions.url}`, config.auth));
    sendApiKeyError(reply, new ApiKeyError('internal_error'));
  });
}

type Outcome = { ok: true } | { ok: false; error: ApiKeyError };

/**
 * The onRequest hook of a guard plugin (`apiKeyAuth`, `sessionAuth`): for the routes whose
 * `config.keyward.auth` is `kind`, run `check`, hand a success to `accept`, refuse the rest
 * through `onError`. A callback hook, so that an answer from the cache costs no promise.
 * Unknown URLs are guarded too (401 before 404), and a bad route config is refused, closed.
 */
export function addGuardHook<R extends Outcome>(
  fastify: FastifyInstance,
  kind: 'apiKey' | 'session',
  check: (request: FastifyRequest, config: ResolvedRouteConfig) => R | Promise<R>,
  accept: (request: FastifyRequest, result: Extract<R, { ok: true }>) => void,
  onError: OnApiKeyError | undefined,
): void {
  // Once replied, a callback hook does not call done: the request goes no further.
  const refuseWith = (
    request: FastifyRequest,
    reply: FastifyReply,
    done: (err?: Error) => void,
    error: ApiKeyError,
    handler: OnApiKeyError | undefined,
  ) => {
    refuse(error, request, reply, handler).then(undefined, done);
  };
  // Declared once, not per request: an answer from the cache allocates no closure here.
  const finish = (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void, result: R) => {
    if (result.ok) {
      accept(request, result as Extract<R, { ok: true }>);
      done();
    } else {
      refuseWith(request, reply, done, (result as Extract<R, { ok: false }>).error, onError);
    }
  };
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    markChecked(request, kind);
    let config: ResolvedRouteConfig;
    try {
      config = readRouteConfig(request);
    } catch (cause) {
      // A wrong config.keyward that onRoute never saw: closed, never open, and the message
      // goes to the log rather than to the caller.
      refuseWith(request, reply, done, new ApiKeyError('internal_error', { cause }), undefined);
      return;
    }
    // Other guards' routes (or nobody's) are left alone.
    if (config.auth !== kind) {
      done();
      return;
    }
    const result = check(request, config);
    if (result instanceof Promise) result.then((settled) => finish(request, reply, done, settled), done);
    else finish(request, reply, done, result);
  });
}

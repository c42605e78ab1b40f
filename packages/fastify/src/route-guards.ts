// Which keyward plugin guards which route, checked at boot and again per request, so that a
// route asking for a guard that is not there is refused rather than left open.
import { ApiKeyError } from '@keyward/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CALLER } from './caller.js';
import { type ResolvedRouteConfig, resolveRouteConfig } from './route-config.js';
import { sendApiKeyError } from './send-api-key-error.js';

/** The kinds of guard: `apiKeyAuth`, `sessionAuth`, `webhookAuth`. */
export type GuardKind = 'apiKey' | 'session' | 'signature';

// Where each kind of guard is registered. Fastify encapsulates by prototype: a child context's
// instance has its parent's in its prototype chain, so a guard covers its context and below.
const guardedContexts = new WeakMap<object, Set<GuardKind>>();
// Which guards saw a request, marked in their onRequest hooks.
const checkedRequests = new WeakMap<object, Set<GuardKind>>();
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
  const routeConfig = request.routeOptions.config;
  if (routeConfig === undefined) return DEFAULT_ROUTE;
  let config = resolvedConfigs.get(routeConfig);
  if (config === undefined) {
    config = resolveRouteConfig(routeConfig.keyward, CALLER, `${request.method} ${request.routeOptions.url}`);
    resolvedConfigs.set(routeConfig, config);
  }
  return config;
}

/** Records that a guard of `kind` looked at this request (from its onRequest hook). */
export function markChecked(request: FastifyRequest, kind: GuardKind): void {
  const kinds = checkedRequests.get(request) ?? new Set<GuardKind>();
  kinds.add(kind);
  checkedRequests.set(request, kinds);
}

/**
 * Declares a guard of `kind` in `fastify`'s context and adds the checks every keyward plugin
 * makes: a route's `config.keyward` is validated when it is added (a typo stops the app); at
 * ready, a route that asks for a guard registered neither in its context nor above stops the
 * app; and per request (for routes added before any plugin could see them), such a route
 * answers 500 `internal_error`, logged, and is never let through.
 */
export function installRouteGuard(fastify: FastifyInstance, kind: GuardKind): void {
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
  fastify.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    let config: ResolvedRouteConfig;
    try {
      config = readRouteConfig(request);
    } catch (err) {
      request.log.error({ err }, 'keyward route config is invalid');
      return sendApiKeyError(reply, new ApiKeyError('internal_error'));
    }
    if (!config.declared || config.auth === 'none' || checkedRequests.get(request)?.has(config.auth)) return;
    request.log.error(unguarded(`${request.method} ${request.routeOptions.url}`, config.auth));
    return sendApiKeyError(reply, new ApiKeyError('internal_error'));
  });
}

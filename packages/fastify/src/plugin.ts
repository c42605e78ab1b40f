import { ApiKeyError } from '@keyward/core';
import { type ApiKeyGuardOptions, createApiKeyGuard } from '@keyward/core/adapter';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { CALLER } from './caller.js';
import { type ResolvedRouteConfig, resolveRouteConfig } from './route-config.js';
import { sendApiKeyError } from './send-api-key-error.js';

const DEFAULT_ROUTE: ResolvedRouteConfig = { auth: 'apiKey', scopes: [] };

/** Renders a refusal yourself: send a reply, or throw to use Fastify's error handler. */
export type OnApiKeyError = (error: ApiKeyError, request: FastifyRequest, reply: FastifyReply) => unknown;

/** Options of the {@link apiKeyAuth} plugin: core's guard options plus `onError`. */
export interface ApiKeyAuthOptions extends ApiKeyGuardOptions {
  /**
   * Called instead of the standard response when a request is refused. If it neither sends a
   * reply nor throws, the standard response is sent anyway: a forgetful handler fails closed.
   */
  onError?: OnApiKeyError;
}

const plugin: FastifyPluginAsync<ApiKeyAuthOptions> = async (fastify, options) => {
  const guard = createApiKeyGuard(options, { caller: CALLER, adapterOptions: ['onError'] });
  const { onError } = options;
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError(`${CALLER}: options.onError must be a function`);
  }
  // Registered twice (an optional guard for the app, a stricter one in a child scope), the
  // second registration finds the decorator there already.
  if (!fastify.hasRequestDecorator('apiKey')) fastify.decorateRequest('apiKey', null);
  // The authenticator listens to the store's changes; an app that closes must stop listening,
  // or every app built on a long-lived store would leave a listener behind.
  fastify.addHook('onClose', async () => guard.close());
  // A typo in a route's config.keyward stops the app at boot, naming the route.
  fastify.addHook('onRoute', (route) => {
    resolveRouteConfig(route.config?.keyward, CALLER, `${route.method} ${route.url}`);
  });
  // Resolved once per route (Fastify keeps one config object per route) and read per request;
  // also for routes declared before the plugin loaded, which onRoute never saw.
  const resolved = new WeakMap<object, ResolvedRouteConfig>();
  const routeConfigOf = (request: FastifyRequest): ResolvedRouteConfig => {
    const routeConfig = request.routeOptions.config;
    if (routeConfig === undefined) return DEFAULT_ROUTE;
    let config = resolved.get(routeConfig);
    if (config === undefined) {
      config = resolveRouteConfig(routeConfig.keyward, CALLER, `${request.method} ${request.routeOptions.url}`);
      resolved.set(routeConfig, config);
    }
    return config;
  };
  // onRequest, before the body is read: a refused request costs no body parsing.
  fastify.addHook('onRequest', async (request, reply) => {
    // Unknown URLs are guarded too: 401 before 404.
    let config: ResolvedRouteConfig;
    try {
      config = routeConfigOf(request);
    } catch (err) {
      // A wrong config.keyward that onRoute never saw: closed, never open, and the message
      // goes to the log rather than to the caller.
      request.log.error({ err }, 'keyward route config is invalid');
      return sendApiKeyError(reply, new ApiKeyError('internal_error'));
    }
    if (config.auth === 'none') return;
    const result = await guard.check({
      headers: request.headers,
      clientAddress: request.ip,
      scopes: config.scopes,
    });
    if (result.ok) {
      request.apiKey = result.context;
      return;
    }
    const { error } = result;
    if (onError) await onError(error, request, reply);
    if (!reply.sent) sendApiKeyError(reply, error);
    return reply;
  });
};

/**
 * The Fastify plugin: authenticates every request in `onRequest` and sets `request.apiKey`.
 * A route opts out with `config: { keyward: { auth: 'none' } }` or needs more scopes with
 * `config: { keyward: { scopes: ['keys:write'] } }`.
 *
 * @example
 * await app.register(apiKeyAuth, { store });
 * app.get('/me', async (request) => request.apiKey);
 */
export const apiKeyAuth = fp(plugin, { fastify: '5.x', name: CALLER });

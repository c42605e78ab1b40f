import type { ApiKeyError } from '@keyward/core';
import { type ApiKeyGuardOptions, createApiKeyGuard, validateScopes } from '@keyward/core/adapter';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { sendApiKeyError } from './send-api-key-error.js';

const CALLER = '@keyward/fastify';

/** Renders a refusal yourself: send a reply, or throw to use Fastify's error handler. */
export type ApiKeyErrorHandler = (error: ApiKeyError, request: FastifyRequest, reply: FastifyReply) => unknown;

/** Options of the {@link apiKeyAuth} plugin: core's guard options plus `onError`. */
export interface ApiKeyAuthOptions extends ApiKeyGuardOptions {
  /**
   * Called instead of the standard response when a request is refused. If it neither sends a
   * reply nor throws, the standard response is sent anyway: a forgetful handler fails closed.
   */
  onError?: ApiKeyErrorHandler;
}

const plugin: FastifyPluginAsync<ApiKeyAuthOptions> = async (fastify, options) => {
  const guard = createApiKeyGuard(options, { caller: CALLER, adapterOptions: ['onError'] });
  const { onError } = options;
  if (onError !== undefined && typeof onError !== 'function') {
    throw new TypeError(`${CALLER}: options.onError must be a function`);
  }
  fastify.decorateRequest('apiKey', null);
  // The authenticator listens to the store's changes; an app that closes must stop listening,
  // or every app built on a long-lived store would leave a listener behind.
  fastify.addHook('onClose', async () => guard.close());
  // A typo in a route's scopes would otherwise only show as 403s in production.
  fastify.addHook('onRoute', (route) => {
    const scopes = route.config?.scopes;
    if (scopes !== undefined) validateScopes(scopes, CALLER, `config.scopes of ${route.method} ${route.url}`);
  });
  // onRequest, before the body is read: a refused request costs no body parsing.
  fastify.addHook('onRequest', async (request, reply) => {
    const config = request.routeOptions.config;
    if (config?.apiKeyAuth === false) return;
    const scopes = config?.scopes ?? [];
    const result = await guard.check({ headers: request.headers, clientAddress: request.ip, scopes });
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
 * A route opts out with `config: { apiKeyAuth: false }` or needs more scopes with
 * `config: { scopes: ['keys:write'] }`.
 *
 * @example
 * await app.register(apiKeyAuth, { store });
 * app.get('/me', async (request) => request.apiKey);
 */
export const apiKeyAuth = fp(plugin, { fastify: '5.x', name: CALLER });

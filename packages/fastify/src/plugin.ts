import { ApiKeyError } from '@keyward/core';
import { type ApiKeyGuardOptions, createApiKeyGuard } from '@keyward/core/adapter';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { CALLER } from './caller.js';
import { checkOnError, type OnApiKeyError, refuse } from './refuse.js';
import type { ResolvedRouteConfig } from './route-config.js';
import { installRouteGuard, markChecked, readRouteConfig } from './route-guards.js';

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
  const onError = checkOnError(options.onError, CALLER);
  // Registered twice (an optional guard for the app, a stricter one in a child scope), the
  // second registration finds the decorator there already.
  if (!fastify.hasRequestDecorator('apiKey')) fastify.decorateRequest('apiKey', null);
  // The authenticator listens to the store's changes; an app that closes must stop listening,
  // or every app built on a long-lived store would leave a listener behind.
  fastify.addHook('onClose', async () => guard.close());
  installRouteGuard(fastify, 'apiKey');
  // onRequest, before the body is read: a refused request costs no body parsing.
  fastify.addHook('onRequest', async (request, reply) => {
    markChecked(request, 'apiKey');
    // Unknown URLs are guarded too: 401 before 404.
    let config: ResolvedRouteConfig;
    try {
      config = readRouteConfig(request);
    } catch (cause) {
      // A wrong config.keyward that onRoute never saw: closed, never open, and the message
      // goes to the log rather than to the caller.
      return refuse(new ApiKeyError('internal_error', { cause }), request, reply, undefined);
    }
    // Session, signature and open routes are other guards' business (or nobody's).
    if (config.auth !== 'apiKey') return;
    const result = await guard.check({
      headers: request.headers,
      clientAddress: request.ip,
      scopes: config.scopes,
    });
    if (result.ok) {
      request.apiKey = result.context;
      return;
    }
    return refuse(result.error, request, reply, onError);
  });
};

/**
 * The Fastify plugin: authenticates every API key route in `onRequest` and sets
 * `request.apiKey`. A route opts out with `config: { keyward: { auth: 'none' } }` (or is left
 * to {@link sessionAuth} with `'session'`, to {@link webhookAuth} with `'signature'`), or needs
 * more scopes with `config: { keyward: { scopes: ['keys:write'] } }`.
 *
 * @example
 * await app.register(apiKeyAuth, { store });
 * app.get('/me', async (request) => request.apiKey);
 */
export const apiKeyAuth = fp(plugin, { fastify: '5.x', name: CALLER });

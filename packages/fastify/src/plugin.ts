import { type ApiKeyGuardOptions, createApiKeyGuard } from '@keyward/core/adapter';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { CALLER } from './caller.js';
import { checkOnError, type OnApiKeyError } from './refuse.js';
import { addGuardHook, installRouteGuard } from './route-guards.js';

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
  addGuardHook(
    fastify,
    'apiKey',
    (request, config) =>
      guard.check({ headers: request.headers, clientAddress: () => request.ip, scopes: config.scopes }),
    (request, result) => {
      request.apiKey = result.context;
    },
    onError,
  );
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

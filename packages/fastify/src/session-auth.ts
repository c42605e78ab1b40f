import { createSessionGuard, type SessionGuardOptions } from '@keyward/core/adapter';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { CALLER } from './caller.js';
import { checkOnError, type OnApiKeyError } from './refuse.js';
import { addGuardHook, installRouteGuard } from './route-guards.js';

/** Options of the {@link sessionAuth} plugin: core's session guard options plus `onError`. */
export interface SessionAuthOptions extends SessionGuardOptions {
  /** As {@link ApiKeyAuthOptions.onError}: if it neither replies nor throws, the standard response is sent. */
  onError?: OnApiKeyError;
}

const SESSION_CALLER = `${CALLER}: sessionAuth`;

const plugin: FastifyPluginAsync<SessionAuthOptions> = async (fastify, options) => {
  const guard = createSessionGuard(options, { caller: SESSION_CALLER, adapterOptions: ['onError'] });
  const onError = checkOnError(options.onError, SESSION_CALLER);
  if (!fastify.hasRequestDecorator('portalSession')) fastify.decorateRequest('portalSession', null);
  fastify.addHook('onClose', async () => guard.close());
  installRouteGuard(fastify, 'session');
  // onRequest, like apiKeyAuth: a refused token costs no body parsing.
  addGuardHook(
    fastify,
    'session',
    (request) => guard.check({ headers: request.headers, clientAddress: () => request.ip }),
    (request, result) => {
      request.portalSession = result.session;
    },
    onError,
  );
};

/**
 * The Fastify plugin for customer portal sessions: guards the routes whose
 * `config.keyward.auth` is `'session'` in `onRequest` and sets `request.portalSession`. It may be
 * registered beside {@link apiKeyAuth}, which leaves those routes to it; an API key is never
 * taken for a session token, nor the reverse.
 *
 * @example
 * await app.register(sessionAuth, { store: sessions });
 * app.get('/portal/me', { config: { keyward: { auth: 'session' } } }, async (request) => getPortalSession(request));
 */
export const sessionAuth = fp(plugin, { fastify: '5.x', name: `${CALLER}/session-auth` });

import type { AdapterFactory, HarnessConfig } from '@keyward/test-kit/adapter-cases';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import {
  ApiKeyError,
  apiKeyAuth,
  apiKeyErrorHandler,
  getApiKey,
  type OnApiKeyError,
  requireScopes,
} from '../src/index.js';

/** The shared harness on Fastify, driven through `app.inject()`. */
export const createFastifyHarness: AdapterFactory = async ({ onError, routeScopes = ['keys:write'], ...options }) => {
  const counts = { handlerRuns: 0, onErrorRuns: 0 };
  const handlers: Record<NonNullable<HarnessConfig['onError']>, OnApiKeyError> = {
    custom: (err, _request, reply) => {
      counts.onErrorRuns += 1;
      return reply.code(418).send({ custom: err.code });
    },
    nothing: () => {
      counts.onErrorRuns += 1;
    },
  };
  const app = Fastify({ trustProxy: true });
  try {
    app.setErrorHandler(apiKeyErrorHandler());
    await app.register(apiKeyAuth, { ...options, ...(onError && { onError: handlers[onError] }) });
    const handler = async (request: FastifyRequest, _reply: FastifyReply) => {
      counts.handlerRuns += 1;
      return { apiKey: request.apiKey };
    };
    app.get('/protected', handler);
    app.get('/scoped', { preHandler: requireScopes(...routeScopes) }, handler);
    app.get('/public', { config: { keyward: { auth: 'none' } } }, handler);
    app.get('/context', async (request) => {
      counts.handlerRuns += 1;
      return { apiKey: getApiKey(request) };
    });
    app.get('/throws', async () => {
      counts.handlerRuns += 1;
      throw new ApiKeyError('not_found');
    });
    await app.ready();
  } catch (err) {
    // A setup the adapter refuses must not leave the app (and its store listener) behind.
    await app.close().catch(() => {});
    throw err;
  }
  return {
    get handlerRuns() {
      return counts.handlerRuns;
    },
    get onErrorRuns() {
      return counts.onErrorRuns;
    },
    async send({ path, headers = {} }) {
      const response = await app.inject({ method: 'GET', url: path, headers });
      return { status: response.statusCode, headers: response.headers as Record<string, string>, body: response.body };
    },
    close: () => app.close(),
  };
};

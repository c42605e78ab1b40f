import type { AdapterFactory } from '@keyward/test-kit/adapter-cases';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { apiKeyAuth, requireScopes } from '../src/index.js';

/** The shared harness on Fastify, driven through `app.inject()`. */
export const createFastifyHarness: AdapterFactory = async ({ customOnError, ...options }) => {
  let runs = 0;
  const app = Fastify({ trustProxy: true });
  await app.register(apiKeyAuth, {
    ...options,
    ...(customOnError && {
      onError: (err, _request, reply) => reply.code(418).send({ custom: err.code }),
    }),
  });
  const handler = async (request: FastifyRequest, _reply: FastifyReply) => {
    runs += 1;
    return { apiKey: request.apiKey };
  };
  app.get('/protected', handler);
  app.get('/scoped', { preHandler: requireScopes('keys:write') }, handler);
  app.get('/public', { config: { keyward: { auth: 'none' } } }, handler);
  await app.ready();
  return {
    get handlerRuns() {
      return runs;
    },
    async send({ path, headers = {} }) {
      const response = await app.inject({ method: 'GET', url: path, headers });
      return { status: response.statusCode, headers: response.headers as Record<string, string>, body: response.body };
    },
    close: () => app.close(),
  };
};

import { getApiKey } from '@keyward/fastify';
import type { FastifyInstance } from 'fastify';
import { toWireContext } from '../wire.js';

/** `GET /v1/me`: who the calling key is. Any valid key, no scope needed. */
export async function meRoutes(app: FastifyInstance): Promise<void> {
  app.get('/v1/me', async (request) => toWireContext(getApiKey(request)));
}

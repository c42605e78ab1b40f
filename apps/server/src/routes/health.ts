import type { FastifyInstance } from 'fastify';

/** `GET /health`: no key needed, so load balancers can probe it. */
export async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/health', { config: { keyward: { auth: 'none' } } }, async () => ({ status: 'ok' as const }));
}

import type { FastifyInstance } from 'fastify';
import { DASHBOARD_HTML, DASHBOARD_JS } from '../dashboard/page.js';

// Only our own script may run, nothing may frame the page (clickjacking a revoke button), and
// the pasted key is never sent anywhere but this origin.
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** `GET /dashboard`: a small page to list, create and revoke keys with a pasted key. No auth to load. */
export async function dashboardRoutes(app: FastifyInstance): Promise<void> {
  const open = { config: { keyward: { auth: 'none' as const } } };
  app.get('/dashboard', open, async (_request, reply) =>
    reply.headers(SECURITY_HEADERS).type('text/html; charset=utf-8').send(DASHBOARD_HTML),
  );
  app.get('/dashboard/app.js', open, async (_request, reply) =>
    reply.headers(SECURITY_HEADERS).type('text/javascript; charset=utf-8').send(DASHBOARD_JS),
  );
}

import { defineOperation } from '../operation.js';
import { healthSchema } from '../schemas.js';

/** `GET /health`: no key needed, so load balancers can probe it. */
export const getHealth = defineOperation({
  operationId: 'getHealth',
  method: 'GET',
  path: '/health',
  auth: 'none',
  summary: 'Whether the server is up',
  tags: ['service'],
  response: { status: 200, description: 'The server is up', schema: healthSchema },
  handler: () => ({ status: 'ok' as const }),
});

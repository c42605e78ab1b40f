import { defineOperation } from '../operation.js';
import { meSchema } from '../schemas.js';
import { toWireContext } from '../wire.js';

/** `GET /v1/me`: who the calling key is. Any valid key, no scope needed. */
export const getMe = defineOperation({
  operationId: 'getMe',
  method: 'GET',
  path: '/v1/me',
  auth: 'apiKey',
  summary: 'The calling key',
  tags: ['identity'],
  response: { status: 200, description: "The calling key's context", schema: meSchema },
  handler: ({ apiKey }) => toWireContext(apiKey),
});

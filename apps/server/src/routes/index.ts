import type { Operation } from '../operation.js';
import { dashboardOperations } from './dashboard.js';
import { getHealth, getReady } from './health.js';
import { keyOperations } from './keys.js';
import { getMe } from './me.js';
import { getOpenApiDocument } from './openapi.js';
import { portalKeyOperations, portalSessionOperations } from './portal.js';
import { receiveWebhook, webhookKeyOperations } from './webhooks.js';

/**
 * Every operation the server serves, in the order of the OpenAPI document. Both the Fastify
 * routes and the document are built from this list: a route exists exactly when it is here.
 */
export const SERVER_OPERATIONS: readonly Operation[] = [
  getHealth,
  getReady,
  getOpenApiDocument,
  getMe,
  ...keyOperations,
  ...portalKeyOperations,
  ...portalSessionOperations,
  ...webhookKeyOperations,
  receiveWebhook,
  ...dashboardOperations,
];

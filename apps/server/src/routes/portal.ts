import { ApiKeyError } from '@keyward/core';
import { defineOperation, type Operation } from '../operation.js';
import {
  createdSessionSchema,
  createSessionBodySchema,
  portalSessionSchema,
  sessionIdParamsSchema,
} from '../schemas.js';
import { toWireCreatedSession, toWirePortalSession } from '../wire.js';
import { keyScopeOf } from './context.js';

const WRITE = ['portal:write'];

/**
 * The customer portal operations a key performs: mint a session for one of its tenant's
 * customers, and revoke one. A session lives in the key's tenant and environment, whatever the
 * body says: the body names only the customer.
 */
export const portalKeyOperations: readonly Operation[] = [
  defineOperation({
    operationId: 'createPortalSession',
    method: 'POST',
    path: '/v1/portal/sessions',
    auth: 'apiKey',
    scopes: WRITE,
    summary: 'Mint a portal session for a customer',
    description:
      "The session acts for `customer_id` in the calling key's tenant and environment until it expires or is revoked. Hand the token to the customer's browser; it is shown only this once.",
    tags: ['portal'],
    body: { schema: createSessionBodySchema },
    response: {
      status: 201,
      description: 'The session token, shown this once, its id and its expiry',
      schema: createdSessionSchema,
      noStore: true,
    },
    handler: async ({ apiKey, body }, { storage }) => {
      const created = await storage.sessions.createSession({
        ...keyScopeOf(apiKey),
        customerId: body.customer_id,
        ...(body.ttl_seconds === undefined ? {} : { ttlSeconds: body.ttl_seconds }),
      });
      return toWireCreatedSession(created);
    },
  }),

  defineOperation({
    operationId: 'revokePortalSession',
    method: 'DELETE',
    path: '/v1/portal/sessions/{id}',
    auth: 'apiKey',
    scopes: WRITE,
    summary: 'Revoke a portal session at once',
    tags: ['portal'],
    params: sessionIdParamsSchema,
    response: { status: 204, description: 'Revoked: its token is refused from now on' },
    errors: { 404: 'not_found: no such session in this tenant and environment' },
    handler: async ({ apiKey, params }, { storage }) => {
      // Another tenant's or environment's session is answered exactly like a missing one.
      if (!(await storage.sessions.revokeSession(keyScopeOf(apiKey), params.id))) {
        throw new ApiKeyError('not_found', { message: 'Portal session not found' });
      }
    },
  }),
];

/**
 * The customer portal operations a session token performs (`X-Session-Token`, never an API
 * key): who the session is, and logging out. What a customer may see or do beyond that is the
 * embedding service's to add as further `'session'` operations.
 */
export const portalSessionOperations: readonly Operation[] = [
  defineOperation({
    operationId: 'getPortalSession',
    method: 'GET',
    path: '/v1/portal/me',
    auth: 'session',
    summary: 'The calling portal session',
    description: 'Who the session acts for, and until when.',
    tags: ['portal'],
    response: { status: 200, description: 'The session, without its token', schema: portalSessionSchema },
    handler: ({ portalSession }) => toWirePortalSession(portalSession),
  }),

  defineOperation({
    operationId: 'endPortalSession',
    method: 'DELETE',
    path: '/v1/portal/sessions/current',
    auth: 'session',
    summary: 'Log out: end the calling portal session at once',
    tags: ['portal'],
    response: { status: 204, description: 'Ended: the token is refused from now on' },
    handler: async ({ portalSession }, { storage }) => {
      const { tenantId, environmentId, sessionId } = portalSession;
      // Already gone (revoked by id a moment ago, by another instance): the caller's wish holds.
      await storage.sessions.revokeSession({ tenantId, environmentId }, sessionId);
    },
  }),
];

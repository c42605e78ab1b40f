import { ApiKeyError } from '@keyward/core';
import { activeWebhookSecrets, webhookEventType } from '@keyward/core/store';
import { defineOperation, type Operation } from '../operation.js';
import {
  createEndpointBodySchema,
  endpointIdParamsSchema,
  endpointWithSecretSchema,
  isIdentifier,
  listDeliveriesQuerySchema,
  receiverParamsSchema,
  rotateSecretBodySchema,
  webhookDeliveryListSchema,
  webhookEndpointListSchema,
} from '../schemas.js';
import { toWireWebhookDelivery, toWireWebhookEndpoint } from '../wire.js';
import { keyScopeOf } from './context.js';

const READ = ['keys:read'];
const WRITE = ['keys:write'];
const NOT_FOUND = 'not_found: no such endpoint in this tenant and environment';

function notFound(): ApiKeyError {
  // The same answer for "no such endpoint" and "another tenant's endpoint".
  return new ApiKeyError('not_found', { message: 'Webhook endpoint not found' });
}

/**
 * The webhook endpoint operations a key performs under `/v1/webhooks/endpoints`, confined to the
 * key's tenant and environment. A secret is in the answer of create and rotate-secret only, once.
 */
export const webhookKeyOperations: readonly Operation[] = [
  defineOperation({
    operationId: 'createWebhookEndpoint',
    method: 'POST',
    path: '/v1/webhooks/endpoints',
    auth: 'apiKey',
    scopes: WRITE,
    summary: 'Create a webhook endpoint',
    description:
      'Senders sign deliveries with the returned secret and POST them to /v1/webhooks/{tenant_id}/{environment_id}/{id}. The secret is shown only this once.',
    tags: ['webhooks'],
    // An empty body makes an unnamed endpoint with the default tolerance.
    body: { schema: createEndpointBodySchema, required: false },
    response: {
      status: 201,
      description: 'The endpoint and its signing secret, shown this once',
      schema: endpointWithSecretSchema,
      noStore: true,
    },
    handler: async ({ apiKey, body }, { storage }) => {
      const { secret, endpoint } = await storage.webhooks.createEndpoint({
        ...keyScopeOf(apiKey),
        name: body?.name ?? null,
        ...(body?.tolerance_seconds === undefined ? {} : { toleranceSeconds: body.tolerance_seconds }),
      });
      return { ...toWireWebhookEndpoint(endpoint), secret };
    },
  }),

  defineOperation({
    operationId: 'listWebhookEndpoints',
    method: 'GET',
    path: '/v1/webhooks/endpoints',
    auth: 'apiKey',
    scopes: READ,
    summary: 'List webhook endpoints, newest first',
    tags: ['webhooks'],
    response: { status: 200, description: 'Every endpoint, without secrets', schema: webhookEndpointListSchema },
    handler: async ({ apiKey }, { storage }) => {
      const endpoints = await storage.webhooks.listEndpoints(keyScopeOf(apiKey));
      return { items: endpoints.map(toWireWebhookEndpoint) };
    },
  }),

  defineOperation({
    operationId: 'deleteWebhookEndpoint',
    method: 'DELETE',
    path: '/v1/webhooks/endpoints/{id}',
    auth: 'apiKey',
    scopes: WRITE,
    summary: 'Delete a webhook endpoint and its deliveries',
    tags: ['webhooks'],
    params: endpointIdParamsSchema,
    response: { status: 204, description: 'Deleted: deliveries to it are answered 404 from now on' },
    errors: { 404: NOT_FOUND },
    handler: async ({ apiKey, params }, { storage }) => {
      if (!(await storage.webhooks.deleteEndpoint(keyScopeOf(apiKey), params.id))) throw notFound();
    },
  }),

  defineOperation({
    operationId: 'rotateWebhookSecret',
    method: 'POST',
    path: '/v1/webhooks/endpoints/{id}/rotate-secret',
    auth: 'apiKey',
    scopes: WRITE,
    summary: 'Replace the signing secret, keeping the old one for a grace period',
    description:
      'Deliveries signed with the old secret keep verifying until grace_period_seconds pass (default a day), so senders can switch without losing any.',
    tags: ['webhooks'],
    params: endpointIdParamsSchema,
    // An empty body means the default grace period, like `{}`.
    body: { schema: rotateSecretBodySchema, required: false },
    response: {
      status: 201,
      description: 'The endpoint and its new signing secret, shown this once',
      schema: endpointWithSecretSchema,
      noStore: true,
    },
    errors: { 404: NOT_FOUND },
    handler: async ({ apiKey, params, body }, { storage }) => {
      const grace = body?.grace_period_seconds;
      const rotated = await storage.webhooks.rotateEndpointSecret(
        keyScopeOf(apiKey),
        params.id,
        grace === undefined ? {} : { gracePeriodSeconds: grace },
      );
      if (!rotated) throw notFound();
      return { ...toWireWebhookEndpoint(rotated.endpoint), secret: rotated.secret };
    },
  }),

  defineOperation({
    operationId: 'listWebhookDeliveries',
    method: 'GET',
    path: '/v1/webhooks/endpoints/{id}/deliveries',
    auth: 'apiKey',
    scopes: READ,
    summary: 'List the deliveries an endpoint received, newest first',
    tags: ['webhooks'],
    params: endpointIdParamsSchema,
    query: listDeliveriesQuerySchema,
    response: { status: 200, description: 'One page of deliveries', schema: webhookDeliveryListSchema },
    errors: { 404: NOT_FOUND },
    handler: async ({ apiKey, params, query: { limit, offset } }, { storage }) => {
      const page = await storage.webhooks.listDeliveries(keyScopeOf(apiKey), params.id, { limit, offset });
      if (!page) throw notFound();
      return { items: page.items.map(toWireWebhookDelivery), pagination: { total: page.total, limit, offset } };
    },
  }),
];

/**
 * The most bytes a delivery may have. Standard Webhooks payloads are events, a few kilobytes;
 * a megabyte leaves room for large ones while a flood stays cheap, and the limit is checked
 * before any signature is computed.
 */
export const WEBHOOK_BODY_LIMIT = 1024 * 1024;

/**
 * `POST /v1/webhooks/{tenant_id}/{environment_id}/{endpoint_id}`: the public receiver. No key: a
 * delivery proves itself with its Standard Webhooks signature, made with the endpoint's current
 * secret (or the previous one, during a rotation's grace period) within the endpoint's
 * tolerance. Then its `webhook-id` is recorded by the store, which refuses one it has seen, so a
 * replay is 409 on every instance sharing the store.
 */
export const receiveWebhook = defineOperation({
  operationId: 'receiveWebhook',
  method: 'POST',
  path: '/v1/webhooks/{tenant_id}/{environment_id}/{endpoint_id}',
  auth: 'signature',
  summary: 'Receive a signed webhook delivery',
  description:
    "Verifies the webhook-id, webhook-timestamp and webhook-signature headers against the endpoint's secrets and tolerance, then records the delivery. The body is not kept: its size and its JSON `type`, if any, are.",
  tags: ['webhooks'],
  params: receiverParamsSchema,
  body: { raw: true, limit: WEBHOOK_BODY_LIMIT, description: 'The event, exactly as signed; any content type.' },
  response: { status: 204, description: 'Verified and recorded' },
  errors: {
    404: 'not_found: no such endpoint (another tenant’s or environment’s is answered the same)',
    409: 'conflict: this webhook-id was already received by this endpoint',
  },
  secrets: async ({ params }, { storage, now }) => {
    const { tenant_id: tenantId, environment_id: environmentId, endpoint_id: endpointId } = params;
    // A tenant or environment no store could hold names no endpoint: the same 404 as any other.
    if (!isIdentifier(tenantId) || !isIdentifier(environmentId)) return null;
    const at = now();
    const endpoint = await storage.webhooks.findEndpoint({ tenantId, environmentId }, endpointId, at);
    if (endpoint === null) return null;
    return { secrets: activeWebhookSecrets(endpoint, at), toleranceSeconds: endpoint.toleranceSeconds };
  },
  handler: async ({ params, webhook }, { storage, now }) => {
    const scope = { tenantId: params.tenant_id, environmentId: params.environment_id };
    const recorded = await storage.webhooks.recordDelivery(scope, {
      webhookId: webhook.id,
      endpointId: params.endpoint_id,
      eventType: webhookEventType(webhook.payload),
      receivedAt: now(),
      size: webhook.payload.length,
    });
    // The store's answer, not this instance's memory: a replay to any instance is refused.
    if (recorded === 'replayed') {
      throw new ApiKeyError('conflict', { message: 'This webhook-id was already received by this endpoint' });
    }
  },
});

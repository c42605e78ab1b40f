import type {
  ApiKeyContext,
  ApiKeyRecord,
  CreatedSession,
  PortalSession,
  WebhookDelivery,
  WebhookEndpointRecord,
} from '@keyward/core';
import type { z } from 'zod';
import type {
  apiKeySchema,
  createdSessionSchema,
  meSchema,
  portalSessionSchema,
  webhookDeliverySchema,
  webhookEndpointSchema,
} from './schemas.js';

/** A key record as the API sends it: snake_case, every field present, `null` when empty. */
export type WireApiKey = z.output<typeof apiKeySchema>;

/**
 * Turns a store record into the wire `ApiKey`. `status` says `expired` for a key past its
 * `expires_at` at `now` (it answers 403 `expired_api_key`), whether or not it is active.
 */
export function toWireApiKey(record: ApiKeyRecord, now: Date): WireApiKey {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    provider: 'keyward',
    display_id: record.displayId,
    status:
      record.expiresAt !== null && record.expiresAt.getTime() <= now.getTime()
        ? 'expired'
        : record.active
          ? 'active'
          : 'inactive',
    scopes: [...record.scopes],
    tenant_id: record.tenantId,
    environment_id: record.environmentId,
    user_id: record.userId,
    // keyward keys belong to a user or to nobody (a service); there is no other kind yet.
    user_type: record.userId === null ? null : 'user',
    roles: [...record.scopes],
    expires_at: record.expiresAt?.toISOString() ?? null,
    last_used_at: record.lastUsedAt?.toISOString() ?? null,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

/** Turns the authenticated context into the `GET /v1/me` body. */
export function toWireContext(context: ApiKeyContext): z.output<typeof meSchema> {
  return {
    key_id: context.keyId,
    tenant_id: context.tenantId,
    environment_id: context.environmentId,
    user_id: context.userId,
    scopes: [...context.scopes],
    name: context.name,
  };
}

/** Turns a new session into the `POST /v1/portal/sessions` body: the token, this once. */
export function toWireCreatedSession(created: CreatedSession): z.output<typeof createdSessionSchema> {
  return {
    token: created.token,
    session_id: created.session.id,
    expires_at: created.session.expiresAt.toISOString(),
  };
}

/** Turns a verified session into the `GET /v1/portal/me` body. */
export function toWirePortalSession(portalSession: PortalSession): z.output<typeof portalSessionSchema> {
  return {
    session_id: portalSession.sessionId,
    customer_id: portalSession.customerId,
    tenant_id: portalSession.tenantId,
    environment_id: portalSession.environmentId,
    expires_at: portalSession.expiresAt.toISOString(),
  };
}

/** Turns an endpoint record into the wire `WebhookEndpoint`: never a secret. */
export function toWireWebhookEndpoint(endpoint: WebhookEndpointRecord): z.output<typeof webhookEndpointSchema> {
  return {
    id: endpoint.id,
    name: endpoint.name,
    tolerance_seconds: endpoint.toleranceSeconds,
    created_at: endpoint.createdAt.toISOString(),
  };
}

/** Turns a recorded delivery into the wire `WebhookDelivery`. */
export function toWireWebhookDelivery(delivery: WebhookDelivery): z.output<typeof webhookDeliverySchema> {
  return {
    webhook_id: delivery.webhookId,
    endpoint_id: delivery.endpointId,
    event_type: delivery.eventType,
    received_at: delivery.receivedAt.toISOString(),
    size: delivery.size,
  };
}

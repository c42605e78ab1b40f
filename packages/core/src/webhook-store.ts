import type { KeyScope } from './key-store.js';

/** A webhook receiving endpoint as handed to callers: never its secrets. */
export interface WebhookEndpointRecord {
  /** `whe_` and 24 hex characters. */
  id: string;
  tenantId: string;
  environmentId: string;
  name: string | null;
  /** How far a delivery's `webhook-timestamp` may be from now. Default 300 s. */
  toleranceSeconds: number;
  createdAt: Date;
}

/** A secret of an endpoint; an old one keeps verifying until `expiresAt` after a rotation. */
export interface WebhookSecret {
  secret: string;
  /** `null` for the current secret. */
  expiresAt: Date | null;
}

/** What a webhook store holds for one endpoint. */
export interface StoredWebhookEndpoint extends WebhookEndpointRecord {
  /** Newest first. HMAC verification needs the secret itself, so it is stored, never shown again. */
  secrets: WebhookSecret[];
}

/** What {@link ManagedWebhookStore.createEndpoint} needs. */
export interface CreateWebhookEndpointInput {
  tenantId: string;
  environmentId: string;
  name?: string | null;
  /** 1 s to 1 h. Default 300 s. */
  toleranceSeconds?: number;
}

/** A new endpoint, or a rotated one: its new secret, shown this once, and its record. */
export interface WebhookEndpointWithSecret {
  secret: string;
  endpoint: WebhookEndpointRecord;
}

/** One webhook received and verified. The body is not kept. */
export interface WebhookDelivery {
  /** The sender's `webhook-id`: unique per endpoint, so a replay is refused. */
  webhookId: string;
  endpointId: string;
  /** The payload's `type`, when it is JSON with a string `type`. */
  eventType: string | null;
  receivedAt: Date;
  /** Bytes of the body. */
  size: number;
}

/** What {@link ManagedWebhookStore.recordDelivery} says: stored, or seen before (a replay). */
export type RecordDeliveryResult = 'recorded' | 'replayed';

/** Paging of deliveries, newest first. */
export interface ListWebhookDeliveriesInput {
  /** 1 to 100; default 50. */
  limit?: number;
  /** 0 or more; default 0. */
  offset?: number;
}

/** One page of deliveries and how many there are in all. */
export interface WebhookDeliveryPage {
  items: WebhookDelivery[];
  total: number;
}

/**
 * Webhook endpoints, their secrets and their deliveries, confined to one tenant and
 * environment: an endpoint of another scope is reported exactly as a missing one (`null` or
 * `false`). The replay check is the store's, so that it holds across instances.
 */
export interface ManagedWebhookStore {
  createEndpoint(input: CreateWebhookEndpointInput): Promise<WebhookEndpointWithSecret>;
  listEndpoints(scope: KeyScope): Promise<WebhookEndpointRecord[]>;
  /** The endpoint with its secrets that still verify at `now` (the receiver's lookup). */
  findEndpoint(scope: KeyScope, id: string, now: Date): Promise<StoredWebhookEndpoint | null>;
  deleteEndpoint(scope: KeyScope, id: string): Promise<boolean>;
  /** A new current secret; the old one keeps verifying for `gracePeriodSeconds` (default 24 h, 0 ends it at once). */
  rotateEndpointSecret(
    scope: KeyScope,
    id: string,
    input?: { gracePeriodSeconds?: number },
  ): Promise<WebhookEndpointWithSecret | null>;
  /** Records a verified delivery, or says its `webhook-id` was already recorded for this endpoint. */
  recordDelivery(scope: KeyScope, delivery: WebhookDelivery): Promise<RecordDeliveryResult>;
  listDeliveries(
    scope: KeyScope,
    endpointId: string,
    input?: ListWebhookDeliveriesInput,
  ): Promise<WebhookDeliveryPage | null>;
}

import type { StoredWebhookEndpoint, WebhookDelivery, WebhookSecret } from '@keyward/core/store';
import { toDate } from './key-row.js';

/** A row of `keyward_webhook_endpoints` as either driver returns it. */
export interface EndpointRow {
  id: string;
  tenant_id: string;
  environment_id: string;
  name: string | null;
  tolerance_seconds: number;
  /** jsonb, parsed by both drivers: `[{ "secret": "whsec_…", "expires_at": ISO string | null }]`, newest first. */
  secrets: unknown;
  created_at: Date | string;
}

/** A row of `keyward_webhook_deliveries` as either driver returns it (`size` is a bigint). */
export interface DeliveryRow {
  webhook_id: string;
  endpoint_id: string;
  event_type: string | null;
  received_at: Date | string;
  size: number | string | bigint;
}

interface SecretJson {
  secret: string;
  expires_at: string | null;
}

// Both drivers parse jsonb; an application that changed pg's global type parsers could hand
// back the text instead, so accept that too. Anything else is a damaged row: refuse it rather
// than verify webhooks against something that is not the endpoint's secrets.
function toSecrets(value: unknown): WebhookSecret[] {
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  const fail = () => {
    throw new TypeError('@keyward/store-postgres: keyward_webhook_endpoints.secrets is not a list of secrets');
  };
  if (!Array.isArray(parsed)) return fail();
  return parsed.map((item: Partial<SecretJson> | null) => {
    if (typeof item?.secret !== 'string') return fail();
    if (item.expires_at !== null && typeof item.expires_at !== 'string') return fail();
    return { secret: item.secret, expiresAt: item.expires_at === null ? null : toDate(item.expires_at) };
  });
}

/** The endpoint a row holds, with every secret it stores. */
export function rowToStoredEndpoint(row: EndpointRow): StoredWebhookEndpoint {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    environmentId: row.environment_id,
    name: row.name,
    toleranceSeconds: Number(row.tolerance_seconds),
    createdAt: toDate(row.created_at),
    secrets: toSecrets(row.secrets),
  };
}

/** The secrets as the jsonb parameter of INSERT_ENDPOINT and SET_ENDPOINT_SECRETS. */
export function secretsToJson(secrets: readonly WebhookSecret[]): string {
  const items: SecretJson[] = secrets.map((s) => ({
    secret: s.secret,
    expires_at: s.expiresAt === null ? null : s.expiresAt.toISOString(),
  }));
  return JSON.stringify(items);
}

/** The parameters of INSERT_ENDPOINT, in column order. */
export function storedEndpointToParams(stored: StoredWebhookEndpoint): unknown[] {
  return [
    stored.id,
    stored.tenantId,
    stored.environmentId,
    stored.name,
    stored.toleranceSeconds,
    secretsToJson(stored.secrets),
    stored.createdAt,
  ];
}

/** The delivery a row holds. */
export function rowToDelivery(row: DeliveryRow): WebhookDelivery {
  return {
    webhookId: row.webhook_id,
    endpointId: row.endpoint_id,
    eventType: row.event_type,
    receivedAt: toDate(row.received_at),
    // node-postgres hands bigint back as text, so that no value loses precision; sizes are
    // validated as safe integers on the way in, so Number() is exact.
    size: Number(row.size),
  };
}

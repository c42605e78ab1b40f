import { randomBytes } from 'node:crypto';
import { integer, nullable, nullish, strictObject, text, validDate } from './input-schema.js';
import { FIELD_RULES, identifierSchema, keyNameSchema, parse } from './key-store-input.js';
import { generateWebhookSecret } from './webhook-signatures.js';
import type {
  CreateWebhookEndpointInput,
  StoredWebhookEndpoint,
  WebhookDelivery,
  WebhookEndpointRecord,
} from './webhook-store.js';

/** The rules of webhook endpoints: tolerance and rotation grace periods, in seconds. */
export const WEBHOOK_RULES = {
  defaultToleranceSeconds: 300,
  minToleranceSeconds: 1,
  maxToleranceSeconds: 3600,
  defaultGracePeriodSeconds: 24 * 3600,
  maxGracePeriodSeconds: 7 * 24 * 3600,
} as const;

const createEndpointSchema = strictObject({
  tenantId: identifierSchema,
  environmentId: identifierSchema,
  name: nullish(keyNameSchema),
  toleranceSeconds: integer(
    WEBHOOK_RULES.minToleranceSeconds,
    WEBHOOK_RULES.maxToleranceSeconds,
    WEBHOOK_RULES.defaultToleranceSeconds,
  ),
});

const rotateSchema = strictObject({
  gracePeriodSeconds: integer(0, WEBHOOK_RULES.maxGracePeriodSeconds, WEBHOOK_RULES.defaultGracePeriodSeconds),
});

/**
 * Validates an endpoint input and makes the endpoint with a new `whsec_` secret. Every webhook
 * store builds endpoints with this, so they all accept and refuse the same input.
 *
 * @throws TypeError naming the bad field.
 */
export function prepareWebhookEndpoint(
  input: CreateWebhookEndpointInput,
  now: Date,
): { secret: string; stored: StoredWebhookEndpoint } {
  const parsed = parse(createEndpointSchema, input, 'webhook endpoint input');
  const secret = generateWebhookSecret();
  return {
    secret,
    stored: {
      id: `whe_${randomBytes(12).toString('hex')}`,
      tenantId: parsed.tenantId,
      environmentId: parsed.environmentId,
      name: parsed.name ?? null,
      toleranceSeconds: parsed.toleranceSeconds,
      createdAt: now,
      secrets: [{ secret, expiresAt: null }],
    },
  };
}

/**
 * The secrets after a rotation at `now`: a new current secret, the old current one verifying
 * until the grace period ends, and any secret already past its end dropped.
 *
 * @throws TypeError for a bad grace period.
 */
export function planSecretRotation(
  stored: StoredWebhookEndpoint,
  input: unknown,
  now: Date,
): { secret: string; secrets: StoredWebhookEndpoint['secrets'] } {
  const { gracePeriodSeconds } = parse(rotateSchema, input ?? {}, 'rotate-secret input');
  const secret = generateWebhookSecret();
  const until = new Date(now.getTime() + gracePeriodSeconds * 1000);
  const kept = stored.secrets
    .map((s) => (s.expiresAt === null ? { secret: s.secret, expiresAt: until } : s))
    .filter((s) => s.expiresAt !== null && s.expiresAt.getTime() > now.getTime());
  return { secret, secrets: [{ secret, expiresAt: null }, ...kept] };
}

/** The secrets of an endpoint that still verify at `now`. */
export function activeWebhookSecrets(stored: StoredWebhookEndpoint, now: Date): string[] {
  return stored.secrets
    .filter((s) => s.expiresAt === null || s.expiresAt.getTime() > now.getTime())
    .map((s) => s.secret);
}

/** An endpoint without its secrets, as handed to callers. */
export function toWebhookEndpointRecord(stored: StoredWebhookEndpoint): WebhookEndpointRecord {
  const { secrets: _secrets, ...record } = stored;
  return { ...record, createdAt: new Date(record.createdAt) };
}

/**
 * The event type of a delivery: the payload's `type` when it is a JSON object with a short
 * string `type`, else `null`. Never throws.
 */
export function webhookEventType(payload: Uint8Array | string): string | null {
  try {
    const json = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
    const parsed: unknown = JSON.parse(json);
    const type = typeof parsed === 'object' && parsed !== null ? (parsed as { type?: unknown }).type : undefined;
    return isStorableEventType(type) ? type : null;
  } catch {
    return null;
  }
}

// A JSON string may hold "\u0000" or a lone surrogate: PostgreSQL text cannot keep either as
// given, so such a type is no type at all rather than a signed webhook its store cannot record.
const storableEventType = text({
  minLength: 1,
  maxLength: 200,
  forbidden: FIELD_RULES.keyName.forbidden,
  message: 'must be null or what webhookEventType gives',
});

function isStorableEventType(type: unknown): type is string {
  return storableEventType.safeParse(type).success;
}

const deliverySchema = strictObject({
  // Standard Webhooks ids are at most 256 printable characters; verifyWebhook accepts no other.
  webhookId: text({
    minLength: 1,
    maxLength: 256,
    pattern: /^[\x21-\x7e]+$/,
    message: 'must be printable ASCII without spaces',
  }),
  endpointId: text({ minLength: 0, maxLength: Number.POSITIVE_INFINITY }),
  eventType: nullable(storableEventType),
  receivedAt: validDate,
  size: integer(0, Number.MAX_SAFE_INTEGER),
});

/**
 * Validates a delivery before a store records it, so that every store refuses the same input
 * (and none sends a database what it cannot keep). An endpoint id it does not know is the
 * store's to report, not this function's.
 *
 * @throws TypeError naming the bad field.
 */
export function parseWebhookDelivery(delivery: unknown): WebhookDelivery {
  const parsed = parse(deliverySchema, delivery, 'webhook delivery');
  return { ...parsed, receivedAt: new Date(parsed.receivedAt) };
}

import { randomBytes } from 'node:crypto';
import { z } from 'zod';
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

const createEndpointSchema = z.strictObject({
  tenantId: identifierSchema,
  environmentId: identifierSchema,
  name: keyNameSchema.nullish(),
  toleranceSeconds: z
    .number()
    .int()
    .min(WEBHOOK_RULES.minToleranceSeconds)
    .max(WEBHOOK_RULES.maxToleranceSeconds)
    .default(WEBHOOK_RULES.defaultToleranceSeconds),
});

const rotateSchema = z.strictObject({
  gracePeriodSeconds: z
    .number()
    .int()
    .min(0)
    .max(WEBHOOK_RULES.maxGracePeriodSeconds)
    .default(WEBHOOK_RULES.defaultGracePeriodSeconds),
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
    const text = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
    const parsed: unknown = JSON.parse(text);
    const type = typeof parsed === 'object' && parsed !== null ? (parsed as { type?: unknown }).type : undefined;
    return isStorableEventType(type) ? type : null;
  } catch {
    return null;
  }
}

const MAX_EVENT_TYPE_LENGTH = 200;

// A JSON string may hold "\u0000" or a lone surrogate: PostgreSQL text cannot keep either as
// given, so such a type is no type at all rather than a signed webhook its store cannot record.
function isStorableEventType(type: unknown): type is string {
  return (
    typeof type === 'string' &&
    type.length > 0 &&
    type.length <= MAX_EVENT_TYPE_LENGTH &&
    !FIELD_RULES.keyName.forbidden.test(type)
  );
}

const deliverySchema = z.strictObject({
  // Standard Webhooks ids are at most 256 printable characters; verifyWebhook accepts no other.
  webhookId: z
    .string()
    .min(1)
    .max(256)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces'),
  endpointId: z.string(),
  eventType: z
    .string()
    .nullable()
    .refine((type) => type === null || isStorableEventType(type), 'must be null or what webhookEventType gives'),
  receivedAt: z.date().refine((d) => !Number.isNaN(d.getTime()), 'must be a valid date'),
  size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
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

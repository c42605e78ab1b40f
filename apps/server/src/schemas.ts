import { ERROR_CODES, type ErrorCode } from '@keyward/core';
import { decodeKeyListCursor, FIELD_RULES, SESSION_TTL, WEBHOOK_RULES } from '@keyward/core/store';
import { z } from 'zod';

// The field rules are core's, so the API refuses exactly what the stores refuse.
const { identifier, scope, keyName } = FIELD_RULES;
const identifierSchema = z
  .string()
  .min(identifier.minLength)
  .max(identifier.maxLength)
  .regex(identifier.pattern, identifier.message);
/**
 * Whether `value` can be a tenant, environment or user id: what a store accepts. A URL part that
 * cannot be one names nothing that exists, so a route can answer it as not found.
 */
export function isIdentifier(value: unknown): value is string {
  return identifierSchema.safeParse(value).success;
}
const scopeSchema = z.string().min(scope.minLength).max(scope.maxLength).regex(scope.pattern, scope.message);
const keyNameSchema = z
  .string()
  .trim()
  .min(keyName.minLength)
  .max(keyName.maxLength)
  .refine((name) => !keyName.forbidden.test(name), keyName.message);

// The one definition of every request and response shape: the operations (src/routes/*.ts)
// validate with these and src/openapi.ts turns the same objects into the OpenAPI document, so
// the two cannot drift. A body or response schema needs .meta({ id }), its name there.

/** The longest grace period a rotation may ask for: 30 days. */
const MAX_GRACE_PERIOD_SECONDS = 30 * 24 * 3600;

// Query strings arrive as text; a plain run of digits becomes a number and anything else is
// left as it is, so that `?limit=abc` or `?limit=` fails as "expected number" instead of being
// coerced to NaN or 0 the way z.coerce would.
function queryInteger<T extends z.ZodType>(schema: T) {
  return z.preprocess(
    (value) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value),
    schema,
  );
}

const timestamp = z.iso.datetime({ offset: true });

/** A page of `what`, newest first: limit 1..100 (default 50), offset 0 or more (default 0). */
function pageQuerySchema(what: string) {
  return z.object({
    limit: queryInteger(z.number().int().min(1).max(100).default(50)).meta({
      description: `How many ${what} to return, 1 to 100.`,
    }),
    offset: queryInteger(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).default(0)).meta({
      description: `How many ${what} to skip, newest first.`,
    }),
  });
}

/** Where a page starts and how many there are in all. */
const paginationSchema = z.object({
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});

/**
 * `GET /v1/secrets/api/keys` query: limit 1..100 (default 50), and where the page starts: an
 * offset (default 0), or the `next_cursor` of the previous page, which stays right while keys
 * are created or revoked between pages. Not both.
 */
export const listKeysQuerySchema = pageQuerySchema('keys')
  .extend({
    cursor: z
      .string()
      .refine((cursor) => decodeKeyListCursor(cursor) !== null, 'must be the next_cursor of an earlier page')
      .optional()
      .meta({
        description:
          'The next_cursor of the previous page: the page starts right after it, so a walk through every key repeats and skips none while keys are created or revoked. Not with an offset.',
      }),
  })
  .refine((query) => query.cursor === undefined || query.offset === 0, {
    message: 'cannot be combined with an offset',
    path: ['cursor'],
  });

/** Where a page of keys starts, how many there are, and where the next page starts. */
const keyPaginationSchema = paginationSchema.extend({
  next_cursor: z.string().nullable().meta({
    description: 'Pass as cursor for the next page; null on the last page.',
  }),
});

/**
 * The `{id}` of the key routes. Any string: an id that cannot exist is simply not found (404),
 * like one of another tenant, so the format of ids is never confirmed to a caller.
 */
export const keyIdParamsSchema = z.object({
  id: z.string().meta({ description: 'The key id (`key_…`)' }),
});

/** `POST /v1/secrets/api/keys` body. Unknown fields are refused so a typo cannot drop a limit. */
export const createKeyBodySchema = z
  .strictObject({
    name: keyNameSchema.meta({ description: 'A name for people.' }),
    type: z.literal('private_key').optional().meta({ description: 'The only type there is.' }),
    expires_at: timestamp
      .nullable()
      .optional()
      .meta({ description: 'ISO 8601 with an offset; must be in the future. Default: never.' }),
    scopes: z
      .array(scopeSchema)
      .max(FIELD_RULES.scopes.maxItems)
      .optional()
      .meta({ description: "A subset of the calling key's scopes. Default: the calling key's scopes." }),
  })
  .meta({ id: 'CreateApiKeyRequest' });

/** `PATCH /v1/secrets/api/keys/{id}` body: at least one of `name`, `active`. */
export const updateKeyBodySchema = z
  .strictObject({
    name: keyNameSchema.optional(),
    active: z.boolean().optional().meta({ description: '`false` deactivates the key (403 inactive_api_key).' }),
  })
  .refine((body) => body.name !== undefined || body.active !== undefined, {
    message: 'give name or active',
  })
  .meta({ id: 'UpdateApiKeyRequest', minProperties: 1 });

/** `POST /v1/secrets/api/keys/{id}/rotate` body (may be empty). */
export const rotateKeyBodySchema = z
  .strictObject({
    grace_period_seconds: z
      .number()
      .int()
      .min(0)
      .max(MAX_GRACE_PERIOD_SECONDS)
      .optional()
      .meta({ description: 'How long the old key keeps working, 0 to 30 days. Default 0: revoked at once.' }),
  })
  .meta({ id: 'RotateApiKeyRequest' });

/** The key record on the wire: every field present, `null` when empty. */
export const apiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.literal('private_key'),
    provider: z.literal('keyward'),
    display_id: z.string().meta({ description: 'At most 8 characters of the key, for people.' }),
    status: z.enum(['active', 'inactive', 'expired']),
    scopes: z.array(z.string()),
    tenant_id: z.string(),
    environment_id: z.string(),
    user_id: z.string().nullable(),
    user_type: z.enum(['user']).nullable().meta({ description: '"user" when the key belongs to a user.' }),
    roles: z.array(z.string()).meta({ description: 'The same as scopes, for clients that read roles.' }),
    expires_at: timestamp.nullable(),
    last_used_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .meta({ id: 'ApiKey' });

/** `GET /v1/secrets/api/keys` response. */
export const apiKeyListSchema = z
  .object({
    items: z.array(apiKeySchema),
    pagination: keyPaginationSchema,
  })
  .meta({ id: 'ApiKeyList' });

/** Create and rotate response: the plaintext, shown this once, and the record. */
export const createdApiKeySchema = z
  .object({
    api_key: z.string().meta({ description: 'The key itself, 64 hex characters. Shown only this once.' }),
    secret: apiKeySchema,
  })
  .meta({ id: 'CreatedApiKey' });

/** `GET /v1/me` response: the calling key's context. */
export const meSchema = z
  .object({
    key_id: z.string(),
    tenant_id: identifierSchema,
    environment_id: identifierSchema,
    user_id: z.string().nullable(),
    scopes: z.array(z.string()),
    name: z.string(),
  })
  .meta({ id: 'ApiKeyContext' });

// Portal sessions (issue 9). The TTL bounds are core's, so the API refuses what the stores refuse.

/** `POST /v1/portal/sessions` body. */
export const createSessionBodySchema = z
  .strictObject({
    customer_id: identifierSchema.meta({
      description: 'The customer of your tenant the session acts for: printable ASCII, no spaces.',
    }),
    ttl_seconds: z
      .number()
      .int()
      .min(SESSION_TTL.minSeconds)
      .max(SESSION_TTL.maxSeconds)
      .optional()
      .meta({
        description: `How long the token works, ${SESSION_TTL.minSeconds} to ${SESSION_TTL.maxSeconds} seconds. Default ${SESSION_TTL.defaultSeconds}.`,
      }),
  })
  .meta({ id: 'CreatePortalSessionRequest' });

/** `POST /v1/portal/sessions` response: the token, shown this once. */
export const createdSessionSchema = z
  .object({
    token: z
      .string()
      .meta({ description: 'The session token (`kws_…`), for `X-Session-Token`. Shown only this once.' }),
    session_id: z.string().meta({ description: 'The session id (`ses_…`), to revoke it.' }),
    expires_at: timestamp,
  })
  .meta({ id: 'CreatedPortalSession' });

/** `GET /v1/portal/me` response: who the session acts for. */
export const portalSessionSchema = z
  .object({
    session_id: z.string(),
    customer_id: z.string(),
    tenant_id: z.string(),
    environment_id: z.string(),
    expires_at: timestamp,
  })
  .meta({ id: 'PortalSession' });

/**
 * The `{id}` of a session. Any string: one that cannot exist is simply not found (404), like one
 * of another tenant.
 */
export const sessionIdParamsSchema = z.object({
  id: z.string().meta({ description: 'The session id (`ses_…`)' }),
});

// Webhook endpoints (issue 9). Tolerance and grace bounds are core's.

/** The `{id}` of a webhook endpoint; any string, as for keys. */
export const endpointIdParamsSchema = z.object({
  id: z.string().meta({ description: 'The endpoint id (`whe_…`)' }),
});

/**
 * The path of the public receiver. Any strings: a tenant, environment or endpoint that does not
 * exist, or is not this one's, is answered 404 like any other.
 */
export const receiverParamsSchema = z.object({
  tenant_id: z.string().meta({ description: "The endpoint's tenant" }),
  environment_id: z.string().meta({ description: "The endpoint's environment" }),
  endpoint_id: z.string().meta({ description: 'The endpoint id (`whe_…`)' }),
});

/** `POST /v1/webhooks/endpoints` body (may be empty). */
export const createEndpointBodySchema = z
  .strictObject({
    name: keyNameSchema.nullable().optional().meta({ description: 'A name for people. Default none.' }),
    tolerance_seconds: z
      .number()
      .int()
      .min(WEBHOOK_RULES.minToleranceSeconds)
      .max(WEBHOOK_RULES.maxToleranceSeconds)
      .optional()
      .meta({
        description: `How far a delivery's webhook-timestamp may be from now, ${WEBHOOK_RULES.minToleranceSeconds} to ${WEBHOOK_RULES.maxToleranceSeconds} seconds. Default ${WEBHOOK_RULES.defaultToleranceSeconds}.`,
      }),
  })
  .meta({ id: 'CreateWebhookEndpointRequest' });

/** `POST /v1/webhooks/endpoints/{id}/rotate-secret` body (may be empty). */
export const rotateSecretBodySchema = z
  .strictObject({
    grace_period_seconds: z
      .number()
      .int()
      .min(0)
      .max(WEBHOOK_RULES.maxGracePeriodSeconds)
      .optional()
      .meta({
        description: `How long the old secret keeps verifying, 0 to ${WEBHOOK_RULES.maxGracePeriodSeconds} seconds. Default ${WEBHOOK_RULES.defaultGracePeriodSeconds} (a day); 0 ends it at once.`,
      }),
  })
  .meta({ id: 'RotateWebhookSecretRequest' });

const endpointFields = {
  id: z.string(),
  name: z.string().nullable(),
  tolerance_seconds: z.number().int(),
  created_at: timestamp,
};

/** A webhook endpoint on the wire: never its secrets. */
export const webhookEndpointSchema = z.object(endpointFields).meta({ id: 'WebhookEndpoint' });

/** Create and rotate-secret response: the endpoint and its new secret, shown this once. */
export const endpointWithSecretSchema = z
  .object({
    ...endpointFields,
    secret: z.string().meta({
      description:
        'The `whsec_` signing secret, for Standard Webhooks senders. Shown only this once; keep it as you keep a password.',
    }),
  })
  .meta({ id: 'WebhookEndpointWithSecret' });

/** `GET /v1/webhooks/endpoints` response. */
export const webhookEndpointListSchema = z
  .object({ items: z.array(webhookEndpointSchema) })
  .meta({ id: 'WebhookEndpointList' });

/** `GET /v1/webhooks/endpoints/{id}/deliveries` query. */
export const listDeliveriesQuerySchema = pageQuerySchema('deliveries');

/** One verified delivery on the wire. Its body is not kept. */
export const webhookDeliverySchema = z
  .object({
    webhook_id: z.string().meta({ description: "The sender's webhook-id: a second delivery with it is refused." }),
    endpoint_id: z.string(),
    event_type: z
      .string()
      .nullable()
      .meta({ description: "The payload's `type` when it is a JSON object with a string `type`, else null." }),
    received_at: timestamp,
    size: z.number().int().meta({ description: 'Bytes of the body.' }),
  })
  .meta({ id: 'WebhookDelivery' });

/** `GET /v1/webhooks/endpoints/{id}/deliveries` response. */
export const webhookDeliveryListSchema = z
  .object({ items: z.array(webhookDeliverySchema), pagination: paginationSchema })
  .meta({ id: 'WebhookDeliveryList' });

/** `GET /health` response. */
export const healthSchema = z.object({ status: z.literal('ok') }).meta({ id: 'Health' });

/** The body of every error, from the guard and the API alike. */
export const errorSchema = z
  .object({
    error: z.object({
      // Core's closed table, so a code added there is documented here, and clients can switch on it.
      code: z
        .enum(Object.keys(ERROR_CODES) as [ErrorCode, ...ErrorCode[]])
        .meta({ description: 'What went wrong, for programs: switch on this, not on the message.' }),
      message: z.string(),
    }),
  })
  .meta({ id: 'Error' });

/** `GET /openapi.json` response: an OpenAPI 3.1 document, described only as far as clients rely on it. */
export const openApiDocumentSchema = z
  .looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }) })
  .meta({ id: 'OpenApiDocument', description: 'An OpenAPI 3.1 document.' });

/** The OpenAPI document as the server serves it. */
export type OpenApiDocument = z.output<typeof openApiDocumentSchema>;

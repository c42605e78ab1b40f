// The reference server's response bodies, camelCased, and what each call takes (`*Input`; a
// `*Options` is configuration). Timestamps stay ISO 8601 strings, exactly as the server sent
// them: no time zone or precision is lost, the objects survive JSON.stringify unchanged, and
// `new Date(value)` is one call away.

/** What `GET /v1/me` answers: the context of the key the client sends, as core defines it. */
export type { ApiKeyContext } from '@keyward/core';

/** A key's record as the server lists it. Never contains the key itself. */
export interface ApiKey {
  id: string;
  name: string;
  /** `private_key`. */
  type: string;
  /** `keyward`. */
  provider: string;
  /** At most 8 characters of the key, for people (`3f9a2b***1e`). */
  displayId: string;
  status: 'active' | 'inactive' | 'expired';
  scopes: string[];
  tenantId: string;
  environmentId: string;
  userId: string | null;
  userType: string | null;
  /** Mirrors `scopes`, for clients that read roles. */
  roles: string[];
  /** ISO 8601, or `null` for a key that never expires. */
  expiresAt: string | null;
  /** ISO 8601, or `null` if never used. */
  lastUsedAt: string | null;
  /** ISO 8601. */
  createdAt: string;
  /** ISO 8601. */
  updatedAt: string;
}

/** One page of keys, newest first. */
export interface ApiKeyPage {
  items: ApiKey[];
  pagination: {
    /** How many keys the tenant and environment hold in all. */
    total: number;
    limit: number;
    /** How many keys come before this page. */
    offset: number;
    /** Pass as `cursor` for the next page; `null` on the last page. */
    nextCursor: string | null;
  };
}

/**
 * What `client.keys.list()` returns: a promise of one page (`await` it), and an async iterable
 * over every key from there on (`for await`), fetching page after page by cursor, so that no
 * key is repeated or skipped while keys are created or revoked meanwhile.
 */
export type ApiKeyList = Promise<ApiKeyPage> & AsyncIterable<ApiKey>;

/** A new key: the plaintext `key`, shown this once, and its record. */
export interface CreatedApiKey {
  /** The key itself. Store it now: the server never shows it again. */
  key: string;
  apiKey: ApiKey;
}

/** Input of `client.keys.create`. */
export interface CreateApiKeyInput {
  name: string;
  /** A subset of the calling key's scopes. Default: the server's default. */
  scopes?: string[];
  /** A Date or an ISO 8601 string; `null` or absent for no expiry. */
  expiresAt?: Date | string | null;
  /** `private_key`, the only type there is today. */
  type?: string;
}

/** Input of `client.keys.list`. */
export interface ListApiKeysInput {
  /** 1 to 100; the server's default is 50. When iterating, the size of each page fetched. */
  limit?: number;
  /**
   * 0 or more. Paging by offset repeats or skips keys when keys are created or revoked between
   * pages: iterate the list, or pass `cursor`, to walk through every key.
   */
  offset?: number;
  /** The `pagination.nextCursor` of the previous page: this page starts right after it. Not with `offset`. */
  cursor?: string;
}

/** Input of `client.keys.update`. */
export interface UpdateApiKeyInput {
  name?: string;
  /** `false` deactivates the key (it answers 403 `inactive_api_key`); `true` brings it back. */
  active?: boolean;
}

/** Input of `client.keys.rotate`. */
export interface RotateApiKeyInput {
  /** How long the old key keeps working. Default: the server's (0, revoked at once). */
  gracePeriodSeconds?: number;
}

/**
 * Who a portal session acts for: what `GET /v1/portal/me` answers for the session token the
 * portal client sends. Never contains the token.
 */
export interface PortalSession {
  /** `ses_…`: the id your server revokes the session by. */
  sessionId: string;
  /** The customer of your tenant the session acts for. */
  customerId: string;
  tenantId: string;
  environmentId: string;
  /** ISO 8601: from then on the token answers 401 `expired_session_token`. */
  expiresAt: string;
}

/** A new portal session: the plaintext `token`, shown this once, its id and its end. */
export interface CreatedPortalSession {
  /** The session token (`kws_…`). Hand it to the customer now: the server never shows it again. */
  token: string;
  /** `ses_…`: what `client.portal.revokeSession` takes. */
  sessionId: string;
  /** ISO 8601. */
  expiresAt: string;
}

/** Input of `client.portal.createSession`. */
export interface CreatePortalSessionInput {
  /** The customer of your tenant the session acts for. */
  customerId: string;
  /** How long the token works. Default: the server's (3600; the reference server takes 60 to 86 400). */
  ttlSeconds?: number;
}

/** A webhook receiving endpoint as the server lists it. Never contains its secret. */
export interface WebhookEndpoint {
  /** `whe_…`: the last part of the endpoint's receiving URL. */
  id: string;
  name: string | null;
  /** How far a webhook's `webhook-timestamp` may be from the server's clock. */
  toleranceSeconds: number;
  /** ISO 8601. */
  createdAt: string;
}

/** A new endpoint, or one whose secret was rotated: the record and its `whsec_` secret, shown this once. */
export interface CreatedWebhookEndpoint extends WebhookEndpoint {
  /** The signing secret (`whsec_…`). Give it to the sender now: the server never shows it again. */
  secret: string;
}

/** The endpoints of the calling key's tenant and environment. */
export interface WebhookEndpointList {
  items: WebhookEndpoint[];
}

/** One webhook the endpoint received and verified. The body is not kept. */
export interface WebhookDelivery {
  /** The sender's `webhook-id`: a second delivery with it is refused as a replay (409 `conflict`). */
  webhookId: string;
  endpointId: string;
  /** The payload's `type` when it is JSON with a string `type`, else `null`. */
  eventType: string | null;
  /** ISO 8601. */
  receivedAt: string;
  /** Bytes of the body. */
  size: number;
}

/** One page of deliveries, newest first. */
export interface WebhookDeliveryPage {
  items: WebhookDelivery[];
  pagination: { total: number; limit: number; offset: number };
}

/** Input of `client.webhooks.createEndpoint`. */
export interface CreateWebhookEndpointInput {
  /** For people. Default `null`. */
  name?: string | null;
  /** Default: the server's (300; the reference server takes 1 to 3600). */
  toleranceSeconds?: number;
}

/** Input of `client.webhooks.rotateSecret`. */
export interface RotateWebhookSecretInput {
  /** How long the old secret keeps verifying. Default: the server's (86 400, a day; 0 ends it at once). */
  gracePeriodSeconds?: number;
}

/** Input of `client.webhooks.listDeliveries`. */
export interface ListWebhookDeliveriesInput {
  /** 1 to 100; the server's default is 50. */
  limit?: number;
  /** 0 or more. */
  offset?: number;
}

/** The last argument of every typed method (`client.me`, `client.keys.*`, `client.portal.*`, `client.webhooks.*`, `portal.*`). */
export interface CallOptions {
  /** Cancels the request (code `aborted`). */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

/** The last argument of `client.keys.create` and `client.keys.rotate`. */
export interface IdempotentCallOptions extends CallOptions {
  /**
   * Sent as `Idempotency-Key`: 32 to 255 printable ASCII characters without spaces. Default: 32
   * fresh random bytes per call, the same on each of its retries, so that a retry after a timeout
   * gets the key the first attempt made instead of making a second. Pass your own to make a retry
   * of a whole job safe too (the server honours it for 24 hours). Keep it secret: with it the
   * stored answer, which holds the new key, can be read again.
   */
  idempotencyKey?: string;
}

/** A query string value; `undefined` and `null` leave the parameter out. */
export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/** Input of `client.request`, for routes the client has no method for. */
export interface RequestInput {
  method: string;
  /** A path relative to `baseUrl`, such as `/v1/billing/usage`. URLs of other origins are refused. */
  path: string;
  query?: Record<string, QueryValue>;
  /** Sent as JSON with its object keys in snake_case. */
  body?: unknown;
  /** Extra headers. `X-API-Key` and `X-Session-Token` cannot be set here: the client sends its own credential. */
  headers?: Record<string, string>;
  /** Allow retries of a POST or PATCH that is safe to repeat. */
  idempotent?: boolean;
  /** Cancels the request (code `aborted`). */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this request. */
  timeoutMs?: number;
}

import { ApiKeyError } from './errors.js';
import type { HeadersLike } from './extract-api-key.js';
import { assertKnownOptions } from './known-options.js';
import { isWebhookVerificationSecret, verifyWebhook } from './webhook-signatures.js';

/** A webhook whose signature verified: what every adapter attaches (`req.webhook`, `ctx.state.webhook`). */
export interface VerifiedWebhook {
  /** The sender's `webhook-id`: the same for every attempt of one event. Refuse a repeat to stop replays. */
  id: string;
  /** The `webhook-timestamp`, Unix seconds, within the tolerance of now. */
  timestamp: number;
  /** The exact bytes received, as signed. Parse them yourself (`JSON.parse(payload.toString('utf8'))`). */
  payload: Buffer;
}

/** What a `secrets` function resolves to for a known endpoint. */
export interface WebhookEndpointSecrets {
  /** The `whsec_` secrets and `whpk_` public keys that verify (old and new during a rotation). */
  secrets: readonly string[];
  /** This endpoint's tolerance, instead of the guard's `toleranceSeconds`. */
  toleranceSeconds?: number;
}

/**
 * The secrets to verify with: a fixed list, or a function that looks the endpoint up from the
 * request (its URL, say) and resolves to its secrets, or to `null` when there is no such
 * endpoint (404 `not_found`). A function that throws or rejects is 503 `auth_unavailable`.
 */
export type WebhookSecretsOption<R> =
  | readonly string[]
  | ((request: R) => Promise<WebhookEndpointSecrets | null> | WebhookEndpointSecrets | null);

/** The options every adapter's webhook middleware takes, under the same names. */
export interface WebhookGuardOptions<R = unknown> {
  /** `whsec_` secrets and `whpk_` public keys, or a function that finds them per request. */
  secrets: WebhookSecretsOption<R>;
  /** How far `webhook-timestamp` may be from now, either way. Default 300 s. */
  toleranceSeconds?: number;
  /** The largest body accepted, in bytes; a larger one is 413 before any signature is computed. Default 1 MiB. */
  limit?: number;
}

/** The option names {@link createWebhookGuard} takes; an adapter adds its own (`onError`). */
export const WEBHOOK_GUARD_OPTIONS = ['secrets', 'toleranceSeconds', 'limit'] as const;

/** The webhook guard's outcome: the verified webhook, or the error to render. */
export type WebhookGuardResult = { ok: true; webhook: VerifiedWebhook } | { ok: false; error: ApiKeyError };

/** Signature verification for one adapter instance; the adapter reads the body (within `limit`). */
export interface WebhookGuard<R> {
  /** The body limit in bytes, for the adapter's reader. */
  readonly limit: number;
  /** Never throws: finds the secrets, verifies headers, timestamp and signature over `payload`. */
  verify(request: R, input: { headers: HeadersLike; payload: Buffer }): Promise<WebhookGuardResult>;
}

const DEFAULT_LIMIT = 1024 * 1024;
const DEFAULT_TOLERANCE_SECONDS = 300;

function isTolerance(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function checkSecretList(secrets: unknown, caller: string, option: string): string[] {
  if (!Array.isArray(secrets) || secrets.length === 0) {
    throw new TypeError(
      `${caller}: ${option} must be a non-empty array of whsec_ secrets and whpk_ public keys, or a function that resolves to them`,
    );
  }
  secrets.forEach((secret, index) => {
    // The value is never quoted: it is a secret, or a typo of one.
    if (!isWebhookVerificationSecret(secret)) {
      throw new TypeError(
        `${caller}: ${option}[${index}] must be a whsec_ secret or a whpk_ public key (a whsk_ key signs: give its whpk_ public key)`,
      );
    }
  });
  return [...secrets];
}

/**
 * What every adapter's webhook middleware does once it holds the body, in one place: find the
 * secrets (a list, or a function of the request: `null` is 404 `not_found`, a throw 503
 * `auth_unavailable`, anything else malformed 500 `internal_error`), then verify the Standard
 * Webhooks headers, timestamp and signature (401 `invalid_signature`, with core's message
 * saying which check failed). Throws at setup, naming the option, when misconfigured.
 *
 * @example
 * const guard = createWebhookGuard({ secrets: [secret] }, { caller: '@keyward/express: verifyWebhooks' });
 * const result = await guard.verify(req, { headers: req.headers, payload: body });
 */
export function createWebhookGuard<R>(
  options: WebhookGuardOptions<R>,
  setup: { caller?: string; adapterOptions?: readonly string[] } = {},
): WebhookGuard<R> {
  const { caller = '@keyward/core: createWebhookGuard', adapterOptions = [] } = setup;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`${caller}: options are required, with secrets`);
  }
  assertKnownOptions(options, [...WEBHOOK_GUARD_OPTIONS, ...adapterOptions], caller);
  const { secrets, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, limit = DEFAULT_LIMIT } = options;
  const fixed = typeof secrets === 'function' ? null : checkSecretList(secrets, caller, 'options.secrets');
  const lookUp = typeof secrets === 'function' ? secrets : null;
  if (!isTolerance(toleranceSeconds)) {
    throw new TypeError(`${caller}: options.toleranceSeconds must be a number of seconds, 0 or more`);
  }
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new TypeError(`${caller}: options.limit must be a whole number of bytes, 1 or more`);
  }

  async function secretsFor(request: R): Promise<WebhookEndpointSecrets | ApiKeyError> {
    if (fixed !== null) return { secrets: fixed };
    let found: unknown;
    try {
      found = await (lookUp as NonNullable<typeof lookUp>)(request);
    } catch (cause) {
      return new ApiKeyError('auth_unavailable', { cause });
    }
    if (found === null) return new ApiKeyError('not_found');
    const { secrets: list, toleranceSeconds: own } = (found ?? {}) as Partial<WebhookEndpointSecrets>;
    if (
      typeof found !== 'object' ||
      !Array.isArray(list) ||
      !list.every((s) => typeof s === 'string') ||
      (own !== undefined && !isTolerance(own))
    ) {
      // A bug in the app, not an outage: closed, and the cause says why for the log.
      const cause = new TypeError(
        `${caller}: options.secrets must resolve to { secrets: string[], toleranceSeconds? } or null`,
      );
      return new ApiKeyError('internal_error', { cause });
    }
    return own === undefined ? { secrets: list } : { secrets: list, toleranceSeconds: own };
  }

  return {
    limit,
    async verify(request, { headers, payload }) {
      try {
        const found = await secretsFor(request);
        if (found instanceof ApiKeyError) return { ok: false, error: found };
        const result = verifyWebhook({
          headers,
          payload,
          secrets: found.secrets,
          toleranceSeconds: found.toleranceSeconds ?? toleranceSeconds,
        });
        if (!result.ok) return { ok: false, error: new ApiKeyError('invalid_signature', { message: result.message }) };
        return { ok: true, webhook: { id: result.id, timestamp: result.timestamp, payload } };
      } catch (cause) {
        return { ok: false, error: new ApiKeyError('internal_error', { cause }) };
      }
    },
  };
}

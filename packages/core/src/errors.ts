/**
 * The closed list of error codes keyward speaks on the wire, each with its HTTP status and the
 * message people see. One table, so that every adapter, the client and the reference server
 * agree byte for byte (the wire contract of docs/architecture.md).
 */
export const ERROR_CODES = {
  missing_api_key: { status: 401, message: 'Missing API key' },
  invalid_api_key: { status: 401, message: 'Invalid API key' },
  inactive_api_key: { status: 403, message: 'API key is inactive' },
  expired_api_key: { status: 403, message: 'API key has expired' },
  environment_mismatch: { status: 403, message: 'API key does not belong to this environment' },
  insufficient_scope: { status: 403, message: 'API key lacks a required scope' },
  too_many_requests: { status: 429, message: 'Too many failed authentication attempts' },
  auth_unavailable: { status: 503, message: 'Authentication is temporarily unavailable' },
  missing_session_token: { status: 401, message: 'Missing session token' },
  invalid_session_token: { status: 401, message: 'Invalid session token' },
  expired_session_token: { status: 401, message: 'Session token has expired' },
  invalid_signature: { status: 401, message: 'Invalid webhook signature' },
  validation_error: { status: 400, message: 'Invalid request' },
  not_found: { status: 404, message: 'Not found' },
  conflict: { status: 409, message: 'Conflict' },
  idempotency_key_reused: {
    status: 422,
    message: 'This Idempotency-Key was already used with a different request',
  },
  payload_too_large: { status: 413, message: 'Request body is too large' },
  internal_error: { status: 500, message: 'Internal server error' },
} as const satisfies Record<string, { status: number; message: string }>;

/** One of the codes in {@link ERROR_CODES}. Switch on this, not on `instanceof`. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The JSON body of every keyward error response. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string };
}

/** Options for {@link ApiKeyError}. */
export interface ApiKeyErrorOptions {
  /** A message for people; defaults to the code's message. Never put a key in it. */
  message?: string;
  /** What went wrong underneath (a store error, say). Kept off the wire. */
  cause?: unknown;
  /** For `too_many_requests`: seconds the client should wait, sent as `Retry-After`. */
  retryAfterSeconds?: number;
}

/**
 * The one error type of keyward's server side. `toJSON()` gives the wire body.
 *
 * @example
 * const err = new ApiKeyError('invalid_api_key');
 * err.status; // 401
 * JSON.stringify(err); // {"error":{"code":"invalid_api_key","message":"Invalid API key"}}
 */
export class ApiKeyError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, options: ApiKeyErrorOptions = {}) {
    // hasOwn, not a lookup: `ERROR_CODES['toString']` would otherwise pass as a code.
    if (!isErrorCode(code)) {
      throw new TypeError(`Unknown keyward error code: ${String(code)}`);
    }
    const entry = ERROR_CODES[code];
    super(options.message ?? entry.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ApiKeyError';
    this.code = code;
    this.status = entry.status;
    this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The wire body, `{"error":{"code","message"}}` (docs/architecture.md); never the cause. */
  toJSON(): ErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}

/**
 * True for an {@link ApiKeyError}, also one made by another copy of `@keyward/core`
 * (checked by shape, since `instanceof` fails across package copies).
 */
export function isApiKeyError(err: unknown): err is ApiKeyError {
  if (err instanceof ApiKeyError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const { name, code, status } = err as { name?: unknown; code?: unknown; status?: unknown };
  return (
    name === 'ApiKeyError' &&
    typeof code === 'string' &&
    Object.hasOwn(ERROR_CODES, code) &&
    status === ERROR_CODES[code as ErrorCode].status
  );
}

/** Whether a string is one of keyward's error codes. */
export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ERROR_CODES, value);
}

/** A framework-neutral HTTP response for an error: what every adapter sends. */
export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Renders an error as the response every adapter sends: the status, `Content-Type:
 * application/json`, `Retry-After` where the error carries one, and the JSON body. Anything
 * that is not an {@link ApiKeyError} becomes a bare `internal_error`, so no internal message
 * leaks to the caller.
 */
export function toErrorResponse(err: unknown): ErrorResponse {
  const error = isApiKeyError(err) ? err : new ApiKeyError('internal_error', { cause: err });
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  const retryAfter = error.retryAfterSeconds;
  if (typeof retryAfter === 'number' && Number.isFinite(retryAfter)) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(retryAfter)));
  }
  // Built here rather than by error.toJSON(): an error of another core copy is recognised by
  // its shape, which need not include a working toJSON.
  const message = typeof error.message === 'string' ? error.message : ERROR_CODES[error.code].message;
  const body: ErrorBody = { error: { code: error.code, message } };
  return { status: error.status, headers, body: JSON.stringify(body) };
}

/** Builds an ApiKeyError without capturing a stack trace. */
function withoutStack(code: ErrorCode, options?: ApiKeyErrorOptions): ApiKeyError {
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
  } catch {
    // Frozen intrinsics: pay for the stack rather than fail.
    return new ApiKeyError(code, options);
  }
  try {
    return new ApiKeyError(code, options);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const sharedRefusals = new Map<string, ApiKeyError>();

/**
 * A request's refusal: an expected outcome, not a fault. The cheapest request to send (garbage
 * in the header) must not be the most expensive to answer, and building an `Error` (above all
 * its stack trace) costs more than the SHA-256 of a valid key. So a refusal carries no stack,
 * and one with only a code (or a code and a fixed message) is one shared, frozen instance per
 * code: read it, render it, never mutate it. One with a cause or a `Retry-After` is built anew.
 * Faults (a store that throws) keep their stack and cause.
 */
export function refusal(code: ErrorCode, options?: ApiKeyErrorOptions): ApiKeyError {
  if (options !== undefined && (options.cause !== undefined || options.retryAfterSeconds !== undefined)) {
    return withoutStack(code, options);
  }
  const id = options?.message === undefined ? code : `${code}\u0000${options.message}`;
  let shared = sharedRefusals.get(id);
  if (shared === undefined) {
    shared = Object.freeze(withoutStack(code, options));
    sharedRefusals.set(id, shared);
  }
  return shared;
}

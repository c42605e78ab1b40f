import { type ErrorCode, isErrorCode } from '@keyward/core';

/**
 * The codes the client makes up itself, for failures where the server never answered with a
 * keyward error body. `missing_api_key` and `invalid_api_key` are the server's codes, raised
 * before the request is sent.
 */
export const CLIENT_ERROR_CODES = {
  /** No response: the connection was refused, reset or closed, DNS failed, the client was closed. */
  network_error: 'The request did not reach the server or the connection failed',
  /** No complete response within `timeoutMs`. */
  timeout: 'The request timed out',
  /** A response came, but its body is not what keyward sends (not JSON, truncated, a redirect). */
  invalid_response: 'The server sent a response the client cannot read',
  /** The caller's `signal` aborted the request. */
  aborted: 'The request was aborted',
} as const;

/** One of the client's own codes in {@link CLIENT_ERROR_CODES}. */
export type ClientErrorCode = keyof typeof CLIENT_ERROR_CODES;

/**
 * Every code a {@link KeywardError} can carry: the server's (core's `ERROR_CODES`) and the
 * client's own. A newer server may send a code this version does not know; it is passed through
 * unchanged, hence the open `string` at the end.
 */
// `string & {}` keeps editor completion for the known codes while accepting future ones.
export type KeywardErrorCode = ErrorCode | ClientErrorCode | (string & {});

/** The request an error belongs to, with the key redacted. */
export interface KeywardErrorRequest {
  method: string;
  url: string;
}

/** Options for {@link KeywardError}. */
export interface KeywardErrorOptions {
  /** The HTTP status, or 0 when there was no response. */
  status?: number;
  /** The server's `X-Request-Id`, when it sent one. */
  requestId?: string;
  /** The request, already redacted. */
  request?: KeywardErrorRequest;
  /** For 429 and 503: how long the server asked the client to wait, in milliseconds. */
  retryAfterMs?: number;
  /** What went wrong underneath. */
  cause?: unknown;
}

/**
 * The one error type of `@keyward/client`. Switch on `code`, not on `instanceof` (which fails
 * across copies of the package); {@link isKeywardError} checks by shape.
 *
 * @example
 * try {
 *   await client.keys.get('key_123');
 * } catch (err) {
 *   if (isKeywardError(err) && err.code === 'not_found') return null;
 *   throw err;
 * }
 */
export class KeywardError extends Error {
  /** The server's code, or one of {@link CLIENT_ERROR_CODES}. */
  readonly code: KeywardErrorCode;
  /** The HTTP status; 0 when there was no response. */
  readonly status: number;
  /** The server's `X-Request-Id`, to quote when asking the server's operators. */
  readonly requestId: string | undefined;
  /** The method and URL of the request; the URL never contains the key. */
  readonly request: KeywardErrorRequest | undefined;
  /** For 429 and 503 with `Retry-After`: the wait the server asked for, in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(code: KeywardErrorCode, message: string, options: KeywardErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeywardError';
    this.code = code;
    this.status = options.status ?? 0;
    this.requestId = options.requestId;
    this.request = options.request;
    this.retryAfterMs = options.retryAfterMs;
  }

  /** A plain object for logs. The cause is reduced to its message, so no foreign object is serialised. */
  toJSON(): Record<string, unknown> {
    const cause = this.cause instanceof Error ? this.cause.message : undefined;
    return {
      name: this.name,
      code: this.code,
      status: this.status,
      message: this.message,
      requestId: this.requestId,
      request: this.request,
      retryAfterMs: this.retryAfterMs,
      cause,
    };
  }
}

/**
 * True for a {@link KeywardError}, also one made by another copy of `@keyward/client`
 * (checked by shape: `name`, a string `code` and a numeric `status`).
 */
export function isKeywardError(err: unknown): err is KeywardError {
  if (err instanceof KeywardError) return true;
  if (typeof err !== 'object' || err === null) return false;
  const { name, code, status } = err as { name?: unknown; code?: unknown; status?: unknown };
  return name === 'KeywardError' && typeof code === 'string' && typeof status === 'number';
}

/** Whether `code` is one the server or this client version knows. */
export function isKnownErrorCode(code: unknown): code is ErrorCode | ClientErrorCode {
  return isErrorCode(code) || (typeof code === 'string' && Object.hasOwn(CLIENT_ERROR_CODES, code));
}

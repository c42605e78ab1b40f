import { EventEmitter } from 'node:events';
import { isHeaderName, isHeaderValue } from '@keyward/core/adapter';
import { Agent, type Dispatcher } from 'undici';
import { toCamelCase, toSnakeCase } from './case.js';
import { type DebugEvent, MAX_TIMEOUT_MS, type TransportOptions } from './client-options.js';
import { CREDENTIAL_HEADER_NAMES, type Credential, credentialHeaderRefusal } from './credentials.js';
import { CLIENT_ERROR_CODES, KeywardError, type KeywardErrorRequest } from './errors.js';
import { isObject } from './is-object.js';
import { redact, redactError, redactHeaders, redactUntrusted } from './redact.js';
import { backoffDelay, isIdempotentMethod, isRetryableStatus, parseRetryAfter } from './retry.js';
import type { QueryValue, RequestInput } from './types.js';
import { usageError } from './usage-error.js';

/**
 * One call to the server, as a resource (`client.keys`, `client.me()`, `client.request()`) hands
 * it to the {@link Transport}. Every field but `operation`, `method` and `path` is optional.
 */
export interface TransportRequest {
  /** The public call this request serves (`request`, `me`, `keys.get`): TypeErrors name it. */
  operation: string;
  /** An HTTP method, any case (sent uppercase). */
  method: string;
  /** A path relative to `baseUrl`, or an absolute URL of the same origin. */
  path: string;
  /** Appended to the URL; `undefined` and `null` values are left out. */
  query?: Record<string, QueryValue> | undefined;
  /** Sent as JSON with its object keys in snake_case; `undefined` sends no body. */
  body?: unknown;
  /** Extra headers, checked with core's header rules. `X-API-Key` and `X-Session-Token` are refused. */
  headers?: Record<string, string> | undefined;
  /** Allows retries of a POST or PATCH that is safe to repeat; other methods follow RFC 9110. */
  idempotent?: boolean | undefined;
  /** The caller's cancellation (code `aborted`). */
  signal?: AbortSignal | undefined;
  /** Overrides the client's `timeoutMs` for this request. */
  timeoutMs?: number | undefined;
  /**
   * For typed calls: whether the parsed, camelCased 2xx body has the shape the call returns. A
   * body that does not is `invalid_response`, rather than a value of the wrong type.
   */
  isExpectedBody?: ((body: unknown) => boolean) | undefined;
}

/** A {@link TransportRequest} after its checks: what one attempt sends. Never leaves this file. */
interface PreparedRequest {
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  canRetry: boolean;
  /** What errors and debug events show of the request: the URL with the credential redacted. */
  shown: KeywardErrorRequest;
  /** The key or token sent. For redaction only: every text that leaves the transport is scrubbed of it. */
  secret: string;
}

/** What one attempt ended with: a response (any status) or an error without one. */
type AttemptOutcome =
  | { ok: true; status: number; text: string; requestId: string | undefined; retryAfter: string | undefined }
  | { ok: false; error: KeywardError };

/** A response as the client read it: the body is parsed and camelCased, `undefined` when empty. */
interface ReadResponse {
  status: number;
  body: unknown;
  requestId: string | undefined;
}

// Shown as *** in debug events: the credential, and an Idempotency-Key, which opens the
// server's stored answer of a create (it holds the new key).
const REDACTED_HEADER_NAMES: readonly string[] = [...CREDENTIAL_HEADER_NAMES, 'idempotency-key'];

// undici's own timeouts (300 s by default) can fire before ours when timeoutMs is longer.
const UNDICI_TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function isUndiciTimeout(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && UNDICI_TIMEOUT_CODES.has((err as { code?: unknown }).code as string)
  );
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The body as text, or `undefined` once it is longer than `limit` bytes: then the stream is
 * destroyed, which ends the request (undici drops the connection rather than read on). A server,
 * a proxy or whatever answers at baseUrl could otherwise stream until the process runs out of
 * memory. A `Content-Length` over the limit is refused before any byte is read.
 */
// One decoder for every response: without `stream: true`, decode() keeps no state between calls.
const UTF8 = new TextDecoder();

async function readBody(res: Dispatcher.ResponseData, limit: number): Promise<string | undefined> {
  const length = Number(headerValue(res.headers['content-length']));
  if (length > limit) {
    res.body.destroy();
    return undefined;
  }
  // A declared length bounds the body (the parser reads no byte past it): undici reads it in one
  // go, without an async iterator and a promise per chunk.
  if (Number.isSafeInteger(length) && length >= 0) return res.body.text();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      res.body.destroy();
      return undefined;
    }
    chunks.push(chunk);
  }
  // TextDecoder, as undici's own text() does: UTF-8, with a byte order mark dropped.
  return UTF8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
}

// A method and an error code are RFC 9110 tokens (sections 9.1 and 5.1), the grammar of a header
// name; core's isHeaderName is that one rule, so the client keeps no copy of its own.
const isToken = isHeaderName;

function checkMethod(operation: string, method: unknown): string {
  if (!isToken(method)) throw usageError(operation, 'method must be an HTTP method');
  return method.toUpperCase();
}

function checkTimeout(operation: string, timeoutMs: unknown): number {
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > MAX_TIMEOUT_MS) {
    throw usageError(operation, 'timeoutMs must be a number > 0');
  }
  return timeoutMs;
}

function checkSignal(operation: string, signal: unknown): AbortSignal | undefined {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw usageError(operation, 'signal must be an AbortSignal');
  }
  return signal;
}

function checkHeaders(operation: string, headers: unknown, credential: Credential): Record<string, string> {
  if (headers === undefined) return {};
  if (!isObject(headers)) throw usageError(operation, 'headers must be an object of strings');
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!isHeaderName(name)) throw usageError(operation, `headers: ${JSON.stringify(name)} is not a header name`);
    const refusal = credentialHeaderRefusal(credential, name);
    if (refusal !== undefined) throw usageError(operation, refusal);
    if (!isHeaderValue(value)) {
      throw usageError(operation, `header ${name} must be a string without control characters`);
    }
    out[name.toLowerCase()] = value;
  }
  return out;
}

function appendQuery(operation: string, url: URL, query: unknown): void {
  if (query === undefined) return;
  if (!isObject(query)) throw usageError(operation, 'query must be an object');
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(one));
  }
}

/**
 * The HTTP side of the client: builds the URL and headers, resolves the credential (the key, or
 * the portal client's session token), runs the attempts with their timeout, abort and retry
 * rules, reads the response and turns every failure into a redacted {@link KeywardError}.
 * Resources describe a call as a {@link TransportRequest} and know nothing of undici.
 */
export class Transport {
  // Private fields: util.inspect and JSON.stringify cannot see them, so the key or token provider
  // never shows up in a log of the client.
  readonly #options: TransportOptions;
  readonly #credential: Credential;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  #closed = false;

  /** Takes options already checked by `resolveOptions` or `resolvePortalOptions`, and the one credential it sends. */
  constructor(options: TransportOptions, credential: Credential) {
    this.#options = options;
    this.#credential = credential;
    this.#ownsDispatcher = options.dispatcher === undefined;
    // An Agent keeps one keep-alive Pool per origin.
    this.#dispatcher = options.dispatcher ?? new Agent();
  }

  /**
   * Sends one call, retrying what is safe to retry, and answers its parsed, camelCased body
   * (`undefined` when empty). Invalid arguments throw a TypeError before anything is sent; every
   * other failure is a {@link KeywardError}.
   */
  async send(request: TransportRequest): Promise<unknown> {
    const prepared = await this.#prepare(request);
    const response = await this.#sendWithRetries(prepared);
    if (request.isExpectedBody !== undefined && !request.isExpectedBody(response.body)) {
      const message = `The server answered ${response.status} with a body of an unexpected shape`;
      throw new KeywardError('invalid_response', message, {
        status: response.status,
        requestId: response.requestId,
        request: prepared.shown,
      });
    }
    return response.body;
  }

  /** Releases the connection pool, unless the dispatcher was passed in (it is the caller's). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  async #prepare(request: TransportRequest): Promise<PreparedRequest> {
    const { operation } = request;
    const method = checkMethod(operation, request.method);
    const url = this.#buildUrl(operation, request.path);
    appendQuery(operation, url, request.query);
    const timeoutMs = checkTimeout(operation, request.timeoutMs ?? this.#options.timeoutMs);
    const signal = checkSignal(operation, request.signal);
    const extraHeaders = checkHeaders(operation, request.headers, this.#credential);
    const body = request.body === undefined ? undefined : JSON.stringify(toSnakeCase(request.body));

    // Before the credential is known, the URL may still be shown; after, it is always redacted.
    const unresolved: KeywardErrorRequest = { method, url: url.href };
    if (this.#closed) throw new KeywardError('network_error', 'The client is closed', { request: unresolved });
    const secret = await this.#credential.resolve(unresolved);

    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.#options.userAgent };
    if (this.#options.environmentId !== undefined) headers['x-environment-id'] = this.#options.environmentId;
    if (body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, extraHeaders);
    headers[this.#credential.header] = secret;

    return {
      url,
      method,
      headers,
      body,
      timeoutMs,
      signal,
      canRetry: isIdempotentMethod(method) || request.idempotent === true,
      shown: { method, url: redact(url.href, [secret]) },
      secret,
    };
  }

  async #sendWithRetries(prepared: PreparedRequest): Promise<ReadResponse> {
    const { shown, signal } = prepared;
    const { backoff, retries } = this.#options;
    const hook = this.#options.debug;
    const debug = (event: DebugEvent): void => {
      try {
        hook?.(event);
      } catch {
        // A broken debug hook must not turn a good request into a failed one.
      }
    };
    for (let attempt = 1; ; attempt++) {
      // Built only for a debug hook: redacting the headers of every request costs for nothing.
      if (hook)
        debug({
          type: 'request',
          ...shown,
          attempt,
          headers: redactHeaders(prepared.headers, REDACTED_HEADER_NAMES),
        });
      const outcome = await this.#attempt(prepared);
      let error: KeywardError;
      if (outcome.ok) {
        debug({ type: 'response', ...shown, attempt, status: outcome.status, requestId: outcome.requestId });
        const read = this.#read(outcome, prepared);
        if (!(read instanceof KeywardError)) return read;
        error = read;
      } else {
        error = outcome.error;
      }

      // The caller's abort is final, even when it cut a retryable response (a 503) short.
      const retryable =
        prepared.canRetry &&
        attempt <= retries &&
        error.code !== 'aborted' &&
        (error.code === 'network_error' || error.code === 'timeout' || isRetryableStatus(error.status));
      if (!retryable) throw error;
      let delayMs: number;
      if (error.retryAfterMs !== undefined) {
        // Waiting less than the server asked would only earn another 429; waiting longer than the
        // cap would stall the caller, who learns the wait from retryAfterMs instead.
        if (error.retryAfterMs > backoff.maxRetryAfterMs) throw error;
        delayMs = error.retryAfterMs;
      } else {
        delayMs = backoffDelay(attempt - 1, backoff);
      }
      debug({ type: 'retry', ...shown, attempt, delayMs, reason: error.code });
      await backoff.sleep(delayMs);
      if (signal?.aborted) {
        throw new KeywardError('aborted', CLIENT_ERROR_CODES.aborted, { request: shown, cause: error });
      }
    }
  }

  async #attempt(prepared: PreparedRequest): Promise<AttemptOutcome> {
    const { url, method, headers, body, timeoutMs, shown, secret, signal: callerSignal } = prepared;
    // undici takes an EventEmitter as a request's signal: an AbortController per request (an
    // EventTarget, and its listeners) cost the client a tenth of its CPU time per call. 'abort'
    // on it ends the request, or destroys the body being read.
    const signal = new EventEmitter() as EventEmitter & { aborted: boolean; reason: unknown };
    signal.aborted = false;
    const abort = (reason: unknown) => {
      if (signal.aborted) return;
      signal.aborted = true;
      signal.reason = reason;
      signal.emit('abort');
    };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort(new Error(`The request timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    const onCallerAbort = () => abort(callerSignal?.reason);
    if (callerSignal?.aborted) abort(callerSignal.reason);
    else callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
    const failure = (raw: unknown, status: number, requestId?: string): AttemptOutcome => {
      const err = redactError(raw, [secret]);
      const base = { status, requestId, request: shown, cause: err };
      if (callerSignal?.aborted) {
        return { ok: false, error: new KeywardError('aborted', CLIENT_ERROR_CODES.aborted, base) };
      }
      if (timedOut || isUndiciTimeout(raw)) {
        const message = `The request timed out after ${timeoutMs} ms`;
        return { ok: false, error: new KeywardError('timeout', message, base) };
      }
      if (status !== 0) {
        // Headers came but the body broke off: the response cannot be read, whatever its status.
        const message = `The server answered ${status} but the body was cut short`;
        return { ok: false, error: new KeywardError('invalid_response', message, base) };
      }
      const detail = err instanceof Error ? redact(err.message, [secret]) : 'unknown error';
      const message = `${CLIENT_ERROR_CODES.network_error} (${method} ${shown.url}): ${detail}`;
      return { ok: false, error: new KeywardError('network_error', message, { request: shown, cause: err }) };
    };

    try {
      if (signal.aborted) return failure(signal.reason, 0);
      let res: Dispatcher.ResponseData;
      try {
        res = await this.#dispatcher.request({
          origin: url.origin,
          path: `${url.pathname}${url.search}`,
          method: method as Dispatcher.HttpMethod,
          headers,
          body,
          signal,
        });
      } catch (err) {
        return failure(err, 0);
      }
      const requestId = headerValue(res.headers['x-request-id']);
      const { maxResponseBytes } = this.#options;
      try {
        // Read the whole body on every path (an unread body keeps the connection from the pool),
        // but never more than maxResponseBytes of it.
        const text = await readBody(res, maxResponseBytes);
        if (text === undefined) {
          const message = `The server answered ${res.statusCode} with a body larger than the limit of ${maxResponseBytes} bytes (maxResponseBytes)`;
          const error = new KeywardError('invalid_response', message, {
            status: res.statusCode,
            requestId,
            request: shown,
          });
          return { ok: false, error };
        }
        return {
          ok: true,
          status: res.statusCode,
          text,
          requestId,
          retryAfter: headerValue(res.headers['retry-after']),
        };
      } catch (err) {
        return failure(err, res.statusCode, requestId);
      }
    } finally {
      clearTimeout(timer);
      callerSignal?.removeEventListener('abort', onCallerAbort);
    }
  }

  #read(outcome: Extract<AttemptOutcome, { ok: true }>, prepared: PreparedRequest): ReadResponse | KeywardError {
    const { status, text, requestId } = outcome;
    const base = { status, requestId, request: prepared.shown };
    let parsed: unknown;
    let parseFailed = false;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parseFailed = true;
      }
    }

    if (status >= 200 && status < 300) {
      if (parseFailed) {
        const message = `The server answered ${status} with a body that is not JSON`;
        // No cause: a JSON SyntaxError quotes the body, which may hold a newly issued key.
        return new KeywardError('invalid_response', message, base);
      }
      return { status, requestId, body: toCamelCase(parsed) };
    }
    if (status >= 300 && status < 400) {
      // Following a redirect could carry the key to another origin; the client never does.
      const message = `The server answered ${status} (a redirect); the client does not follow redirects`;
      return new KeywardError('invalid_response', message, base);
    }
    const retryAfterMs = parseRetryAfter(outcome.retryAfter, this.#options.backoff.now());
    const error = isObject(parsed) && isObject(parsed.error) ? parsed.error : undefined;
    if (error !== undefined && isToken(error.code)) {
      const message =
        typeof error.message === 'string' ? redactUntrusted(error.message, [prepared.secret]) : error.code;
      return new KeywardError(error.code, message, { ...base, retryAfterMs });
    }
    const message = `The server answered ${status} without a keyward error body`;
    return new KeywardError('invalid_response', message, { ...base, retryAfterMs });
  }

  #buildUrl(operation: string, path: unknown): URL {
    if (typeof path !== 'string' || path === '') throw usageError(operation, 'path must be a non-empty string');
    const base = this.#options.baseUrl;
    let url: URL;
    // A scheme or a protocol-relative `//host` names another origin: only the client's own is allowed.
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) || /^[/\\]{2}/.test(path)) {
      try {
        url = new URL(path, base);
      } catch {
        throw usageError(operation, 'path is not a valid URL');
      }
    } else {
      const prefix = base.pathname.replace(/\/+$/, '');
      url = new URL(`${base.origin}${prefix}${path.startsWith('/') ? '' : '/'}${path}`);
    }
    if (url.origin !== base.origin) {
      const { name } = this.#credential;
      throw usageError(operation, `path must be relative to baseUrl; the ${name} is never sent to ${url.origin}`);
    }
    url.hash = '';
    return url;
  }
}

/**
 * `request(input)` of both clients: any route, with the caller's method, path, query, body and
 * headers, checked by the transport like every other call. `operation` names the caller in
 * TypeErrors.
 */
export async function sendRequestInput(transport: Transport, operation: string, input: RequestInput): Promise<unknown> {
  if (!isObject(input)) throw usageError(operation, 'input must be an object');
  const { method, path, query, body, headers, idempotent, signal, timeoutMs } = input;
  return transport.send({ operation, method, path, query, body, headers, idempotent, signal, timeoutMs });
}

import { isApiKeyFormat } from '@keyward/core';
import { isHeaderName, isHeaderValue } from '@keyward/core/adapter';
import { Agent, type Dispatcher } from 'undici';
import pkg from '../package.json' with { type: 'json' };
import { toCamelCase, toSnakeCase } from './case.js';
import {
  type ClientOptions,
  type DebugEvent,
  MAX_TIMEOUT_MS,
  type ResolvedOptions,
  resolveOptions,
} from './client-options.js';
import { CLIENT_ERROR_CODES, KeywardError, type KeywardErrorRequest } from './errors.js';
import { REDACTED, redact, redactError, redactHeaders, redactUntrusted } from './redact.js';
import { backoffDelay, isIdempotentMethod, isRetryableStatus, parseRetryAfter } from './retry.js';
import type {
  ApiKey,
  ApiKeyContext,
  ApiKeyPage,
  CreateApiKeyInput,
  CreatedApiKey,
  ListApiKeysInput,
  QueryValue,
  RequestInput,
  RotateApiKeyInput,
  UpdateApiKeyInput,
} from './types.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');
const KEY_HEADER = 'x-api-key';
// RFC 9110 token: what a method and an error code must be.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const KEYS_PATH = '/v1/secrets/api/keys';

/** Per-call options of the typed methods. */
export interface CallOptions {
  /** Cancels the request (code `aborted`). */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
}

/** A response as the client read it: the body is parsed and camelCased, `undefined` when empty. */
interface ReadResponse {
  status: number;
  body: unknown;
  requestId: string | undefined;
}

/** What one attempt ended with: a response (any status) or an error without one. */
type AttemptOutcome =
  | { ok: true; status: number; text: string; requestId: string | undefined; retryAfter: string | undefined }
  | { ok: false; error: KeywardError };

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

// undici's own timeouts (300 s by default) can fire before ours when timeoutMs is longer.
const UNDICI_TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

function isUndiciTimeout(err: unknown): boolean {
  return (
    typeof err === 'object' && err !== null && UNDICI_TIMEOUT_CODES.has((err as { code?: unknown }).code as string)
  );
}

function appendQuery(url: URL, query: Record<string, QueryValue> | undefined): void {
  if (query === undefined) return;
  if (typeof query !== 'object' || query === null) throw new TypeError('request: query must be an object');
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(one));
  }
}

function toIsoString(value: Date | string | null | undefined): string | null | undefined {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new TypeError('keys.create: expiresAt is an invalid Date');
    return value.toISOString();
  }
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw new TypeError('keys.create: expiresAt must be a Date, an ISO 8601 string or null');
}

function checkId(method: string, id: unknown): string {
  if (typeof id !== 'string' || id === '') throw new TypeError(`keys.${method}: id must be a non-empty string`);
  return encodeURIComponent(id);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isApiKeyBody = (body: unknown): boolean => isObject(body) && typeof body.id === 'string';
const isContextBody = (body: unknown): boolean => isObject(body) && typeof body.keyId === 'string';
const isPageBody = (body: unknown): boolean =>
  isObject(body) && Array.isArray(body.items) && body.items.every(isApiKeyBody) && isObject(body.pagination);
const isCreatedBody = (body: unknown): boolean =>
  isObject(body) && typeof body.apiKey === 'string' && isApiKeyBody(body.secret);

/**
 * A client of a keyward-protected service: sends the key in `X-API-Key`, retries what is safe to
 * retry, and turns every failure into a {@link KeywardError}. Make one with {@link createClient}
 * and share it: it keeps connections alive and pooled per origin.
 */
export class KeywardClient {
  /** The key management routes of the reference server. */
  readonly keys: KeyManagement;
  // Private fields: util.inspect and JSON.stringify cannot see them, so the key provider never
  // shows up in a log of the client.
  readonly #options: ResolvedOptions;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  #closed = false;

  /** Use {@link createClient}. */
  constructor(options?: ClientOptions) {
    this.#options = resolveOptions(options, process.env, pkg.version);
    this.#ownsDispatcher = this.#options.dispatcher === undefined;
    // An Agent keeps one keep-alive Pool per origin.
    this.#dispatcher = this.#options.dispatcher ?? new Agent();
    this.keys = new KeyManagement((params, validate) => this.#call(params, validate));
  }

  /** The server's base URL. */
  get baseUrl(): string {
    return this.#options.baseUrl.href.replace(/\/$/, '');
  }

  /** The `X-Environment-ID` the client sends, if any. */
  get environmentId(): string | undefined {
    return this.#options.environmentId;
  }

  /** The context of the key the client sends: `GET /v1/me`. */
  async me(options: CallOptions = {}): Promise<ApiKeyContext> {
    return (await this.#call({ ...options, method: 'GET', path: '/v1/me' }, isContextBody)) as ApiKeyContext;
  }

  /**
   * Any route of the server. The body is sent as JSON in snake_case; the response comes back
   * parsed and camelCased (`undefined` for an empty body such as a 204).
   *
   * @example
   * const session = await client.request<{ token: string; expiresAt: string }>({
   *   method: 'POST', path: '/v1/portal/sessions', body: { customerId: 'cus_1' },
   * });
   */
  async request<T = unknown>(params: RequestInput): Promise<T> {
    return (await this.#call(params)) as T;
  }

  /** Releases the connection pool. Calls made after this fail with `network_error`. A dispatcher passed in is not closed: it is the caller's. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** A description safe to log: never the key. */
  toJSON(): Record<string, unknown> {
    return {
      baseUrl: this.baseUrl,
      environmentId: this.#options.environmentId,
      apiKey: this.#options.apiKey === undefined ? undefined : REDACTED,
      timeoutMs: this.#options.timeoutMs,
      retries: this.#options.retries,
      userAgent: this.#options.userAgent,
    };
  }

  [INSPECT](_depth: number, options: unknown, inspect: (value: unknown, options?: unknown) => string): string {
    return `KeywardClient ${inspect(this.toJSON(), options)}`;
  }

  async #call(params: RequestInput, validate?: (body: unknown) => boolean): Promise<unknown> {
    const response = await this.#send(params);
    if (validate !== undefined && !validate(response.body)) {
      throw new KeywardError(
        'invalid_response',
        `The server answered ${response.status} with a body of an unexpected shape`,
        {
          status: response.status,
          requestId: response.requestId,
          request: response.request,
        },
      );
    }
    return response.body;
  }

  async #send(params: RequestInput): Promise<ReadResponse & { request: KeywardErrorRequest }> {
    if (typeof params !== 'object' || params === null) throw new TypeError('request: params must be an object');
    const { method: rawMethod, signal } = params;
    if (typeof rawMethod !== 'string' || !TOKEN.test(rawMethod))
      throw new TypeError('request: method must be an HTTP method');
    const method = rawMethod.toUpperCase();
    const url = this.#buildUrl(params.path);
    appendQuery(url, params.query);
    const timeoutMs = params.timeoutMs ?? this.#options.timeoutMs;
    if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > MAX_TIMEOUT_MS) {
      throw new TypeError('request: timeoutMs must be a number > 0');
    }
    if (signal !== undefined && !(signal instanceof AbortSignal))
      throw new TypeError('request: signal must be an AbortSignal');
    const extraHeaders = this.#checkHeaders(params.headers);
    const body = params.body === undefined ? undefined : JSON.stringify(toSnakeCase(params.body));

    // Before the key is known, the URL may still be shown; after, it is always redacted.
    let request: KeywardErrorRequest = { method, url: url.href };
    if (this.#closed) throw new KeywardError('network_error', 'The client is closed', { request });
    const key = await this.#resolveKey(request);
    request = { method, url: redact(url.href, [key]) };

    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': this.#options.userAgent };
    if (this.#options.environmentId !== undefined) headers['x-environment-id'] = this.#options.environmentId;
    if (body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, extraHeaders);
    headers[KEY_HEADER] = key;

    const canRetry = isIdempotentMethod(method) || params.idempotent === true;
    const { backoff, retries } = this.#options;
    const debug = (event: DebugEvent): void => {
      try {
        this.#options.debug?.(event);
      } catch {
        // A broken debug hook must not turn a good request into a failed one.
      }
    };
    for (let attempt = 1; ; attempt++) {
      debug({ type: 'request', ...request, attempt, headers: redactHeaders(headers, [KEY_HEADER]) });
      const outcome = await this.#attempt(url, method, headers, body, timeoutMs, signal, request, key);
      let error: KeywardError;
      if (outcome.ok) {
        debug({ type: 'response', ...request, attempt, status: outcome.status, requestId: outcome.requestId });
        const read = this.#read(outcome, request, key);
        if (!(read instanceof KeywardError)) return { ...read, request };
        error = read;
      } else {
        error = outcome.error;
      }

      // The caller's abort is final, even when it cut a retryable response (a 503) short.
      const retryable =
        canRetry &&
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
      debug({ type: 'retry', ...request, attempt, delayMs, reason: error.code });
      await backoff.sleep(delayMs);
      if (signal?.aborted) {
        throw new KeywardError('aborted', CLIENT_ERROR_CODES.aborted, { request, cause: error });
      }
    }
  }

  async #attempt(
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
    request: KeywardErrorRequest,
    key: string,
  ): Promise<AttemptOutcome> {
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
    const signal = callerSignal === undefined ? controller.signal : AbortSignal.any([callerSignal, controller.signal]);
    const failure = (raw: unknown, status: number, requestId?: string): AttemptOutcome => {
      const err = redactError(raw, [key]);
      if (callerSignal?.aborted) {
        return {
          ok: false,
          error: new KeywardError('aborted', CLIENT_ERROR_CODES.aborted, { status, requestId, request, cause: err }),
        };
      }
      if (timedOut || isUndiciTimeout(raw)) {
        const message = `The request timed out after ${timeoutMs} ms`;
        return { ok: false, error: new KeywardError('timeout', message, { status, requestId, request, cause: err }) };
      }
      if (status !== 0) {
        // Headers came but the body broke off: the response cannot be read, whatever its status.
        const message = `The server answered ${status} but the body was cut short`;
        return {
          ok: false,
          error: new KeywardError('invalid_response', message, { status, requestId, request, cause: err }),
        };
      }
      const detail = err instanceof Error ? redact(err.message, [key]) : 'unknown error';
      const message = `${CLIENT_ERROR_CODES.network_error} (${method} ${request.url}): ${detail}`;
      return { ok: false, error: new KeywardError('network_error', message, { request, cause: err }) };
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
      try {
        // Read the whole body on every path: an unread body keeps the connection from the pool.
        const text = await res.body.text();
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
    }
  }

  #read(
    outcome: Extract<AttemptOutcome, { ok: true }>,
    request: KeywardErrorRequest,
    key: string,
  ): ReadResponse | KeywardError {
    const { status, text, requestId } = outcome;
    const base = { status, requestId, request };
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
    if (error !== undefined && typeof error.code === 'string' && TOKEN.test(error.code)) {
      const message = typeof error.message === 'string' ? redactUntrusted(error.message, [key]) : error.code;
      return new KeywardError(error.code, message, { ...base, retryAfterMs });
    }
    const message = `The server answered ${status} without a keyward error body`;
    return new KeywardError('invalid_response', message, { ...base, retryAfterMs });
  }

  async #resolveKey(request: KeywardErrorRequest): Promise<string> {
    const source = this.#options.apiKey;
    let key: unknown = source;
    if (typeof source === 'function') {
      try {
        key = await source();
      } catch (err) {
        throw new KeywardError('missing_api_key', 'The apiKey function failed; no request was sent', {
          request,
          cause: redactError(err, []),
        });
      }
    }
    if (key === undefined || key === null || key === '') {
      const message = 'No API key: pass apiKey to createClient or set KEYWARD_API_KEY; no request was sent';
      throw new KeywardError('missing_api_key', message, { request });
    }
    if (!isApiKeyFormat(key)) {
      // The server would refuse it too (DESIGN.md section 2); failing here saves the round trip.
      const message = 'The API key is not 64 lowercase hex characters; no request was sent';
      throw new KeywardError('invalid_api_key', message, { request });
    }
    return key;
  }

  #buildUrl(path: unknown): URL {
    if (typeof path !== 'string' || path === '') throw new TypeError('request: path must be a non-empty string');
    const base = this.#options.baseUrl;
    let url: URL;
    // A scheme or a protocol-relative `//host` names another origin: only the client's own is allowed.
    if (/^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(path) || /^[/\\]{2}/.test(path)) {
      try {
        url = new URL(path, base);
      } catch {
        throw new TypeError('request: path is not a valid URL');
      }
    } else {
      const prefix = base.pathname.replace(/\/+$/, '');
      url = new URL(`${base.origin}${prefix}${path.startsWith('/') ? '' : '/'}${path}`);
    }
    if (url.origin !== base.origin) {
      throw new TypeError(`request: path must be relative to baseUrl; the API key is never sent to ${url.origin}`);
    }
    url.hash = '';
    return url;
  }

  #checkHeaders(headers: unknown): Record<string, string> {
    if (headers === undefined) return {};
    if (!isObject(headers)) throw new TypeError('request: headers must be an object of strings');
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (!isHeaderName(name)) throw new TypeError(`request: ${JSON.stringify(name)} is not a header name`);
      if (name.toLowerCase() === KEY_HEADER) {
        throw new TypeError('request: X-API-Key cannot be set per request; the client sends its own key');
      }
      if (!isHeaderValue(value)) {
        throw new TypeError(`request: header ${name} must be a string without control characters`);
      }
      out[name.toLowerCase()] = value;
    }
    return out;
  }
}

type Call = (params: RequestInput, validate?: (body: unknown) => boolean) => Promise<unknown>;

/**
 * The key management routes (`/v1/secrets/api/keys`). Reached as `client.keys`. A key can only
 * manage keys of its own tenant and environment; `keys:read` lists and reads, `keys:write`
 * changes.
 */
export class KeyManagement {
  readonly #call: Call;

  /** Made by {@link KeywardClient}. */
  constructor(call: Call) {
    this.#call = call;
  }

  /** One page of keys, newest first. */
  async list(params: ListApiKeysInput = {}, options: CallOptions = {}): Promise<ApiKeyPage> {
    const query = { limit: params.limit, offset: params.offset };
    return (await this.#call({ ...options, method: 'GET', path: KEYS_PATH, query }, isPageBody)) as ApiKeyPage;
  }

  /**
   * Issues a key. Not retried (a retry could issue two). The plaintext `key` is in the result this
   * once: store it now.
   */
  async create(params: CreateApiKeyInput, options: CallOptions = {}): Promise<CreatedApiKey> {
    if (!isObject(params)) throw new TypeError('keys.create: params must be an object with a name');
    const body = {
      name: params.name,
      type: params.type,
      scopes: params.scopes,
      expiresAt: toIsoString(params.expiresAt),
    };
    const created = (await this.#call({ ...options, method: 'POST', path: KEYS_PATH, body }, isCreatedBody)) as {
      apiKey: string;
      secret: ApiKey;
    };
    return { key: created.apiKey, apiKey: created.secret };
  }

  /** One key's record. */
  async get(id: string, options: CallOptions = {}): Promise<ApiKey> {
    const path = `${KEYS_PATH}/${checkId('get', id)}`;
    return (await this.#call({ ...options, method: 'GET', path }, isApiKeyBody)) as ApiKey;
  }

  /** Renames, deactivates (`active: false`) or reactivates a key. */
  async update(id: string, params: UpdateApiKeyInput, options: CallOptions = {}): Promise<ApiKey> {
    const path = `${KEYS_PATH}/${checkId('update', id)}`;
    if (!isObject(params)) throw new TypeError('keys.update: params must be an object');
    const body = { name: params.name, active: params.active };
    return (await this.#call({ ...options, method: 'PATCH', path, body }, isApiKeyBody)) as ApiKey;
  }

  /**
   * Deletes a key: it stops working at once. Retried like every DELETE; a retry after a lost
   * response can therefore answer `not_found` for a key that this call did revoke.
   */
  async revoke(id: string, options: CallOptions = {}): Promise<void> {
    const path = `${KEYS_PATH}/${checkId('revoke', id)}`;
    await this.#call({ ...options, method: 'DELETE', path });
  }

  /** Issues a new key in place of this one; the old one works for `gracePeriodSeconds` more. Not retried. */
  async rotate(id: string, params: RotateApiKeyInput = {}, options: CallOptions = {}): Promise<CreatedApiKey> {
    const path = `${KEYS_PATH}/${checkId('rotate', id)}/rotate`;
    if (!isObject(params)) throw new TypeError('keys.rotate: params must be an object');
    const body = { gracePeriodSeconds: params.gracePeriodSeconds };
    const created = (await this.#call({ ...options, method: 'POST', path, body }, isCreatedBody)) as {
      apiKey: string;
      secret: ApiKey;
    };
    return { key: created.apiKey, apiKey: created.secret };
  }
}

/**
 * Makes a {@link KeywardClient}. Every option is checked here (a TypeError names the bad one);
 * a missing or malformed key fails at the first call, before anything is sent.
 *
 * @example
 * import { createClient } from '@keyward/client';
 * const client = createClient({ apiKey: process.env.KEYWARD_API_KEY, baseUrl: 'http://127.0.0.1:3000' });
 * const me = await client.me();
 */
export function createClient(options?: ClientOptions): KeywardClient {
  return new KeywardClient(options);
}

import { assertKnownOptions, isHeaderValue } from '@keyward/core/adapter';
import type { Dispatcher } from 'undici';
import { type BackoffOptions, DEFAULT_BACKOFF, type ResolvedBackoff } from './retry.js';
import { usageCaller, usageError } from './usage-error.js';

/** A key, or a function giving one (sync or async): for rotation and secret managers. */
export type ApiKeyProvider = string | (() => string | Promise<string>);

/** A portal session token, or a function giving one (sync or async): for a token that is renewed. */
export type SessionTokenProvider = string | (() => string | Promise<string>);

/** What the client reports through the `debug` option. The key and the session token are never in it. */
export type DebugEvent =
  | { type: 'request'; method: string; url: string; attempt: number; headers: Record<string, string> }
  | { type: 'response'; method: string; url: string; attempt: number; status: number; requestId: string | undefined }
  | { type: 'retry'; method: string; url: string; attempt: number; delayMs: number; reason: string };

/** Options of {@link createClient}. */
export interface ClientOptions {
  /**
   * The key, or a function called once per request that returns it (or a promise of it).
   * Default `process.env.KEYWARD_API_KEY`, read when the client is created. The one place where
   * `apiKey` names the plaintext key string, as in every SDK; elsewhere in keyward a `key` is the
   * plaintext and an `apiKey` an object.
   */
  apiKey?: ApiKeyProvider;
  /** Where the server is. Default `process.env.KEYWARD_BASE_URL`, else `http://127.0.0.1:3000`. */
  baseUrl?: string | URL;
  /** Sent as `X-Environment-ID`: the server refuses a key of another environment (403). */
  environmentId?: string;
  /** Per attempt, until the whole body has arrived. Default 30 000 ms. */
  timeoutMs?: number;
  /**
   * The largest response body read, in bytes: a larger one is refused with `invalid_response`
   * as soon as it passes the limit, and the rest is not read. Default 4 MiB (4 194 304), far above
   * any keyward answer; at most 256 MiB.
   */
  maxResponseBytes?: number;
  /** Retries after the first attempt, for idempotent requests. Default 2; 0 turns them off. */
  retries?: number;
  /** Waits between retries; see {@link BackoffOptions}. */
  backoff?: BackoffOptions;
  /** An undici Dispatcher (a MockAgent in tests, a custom Agent or Pool). Default: an Agent of the client's own. */
  dispatcher?: Dispatcher;
  /** The `User-Agent` header. Default `keyward-client/<version> node/<version>`. */
  userAgent?: string;
  /** Receives redacted request, response and retry events, for debugging. */
  debug?: (event: DebugEvent) => void;
}

/**
 * Options of {@link createPortalClient}: the options of `createClient` that concern the
 * connection, and the session token in place of the key. No `environmentId`: a session belongs
 * to one environment already.
 */
export interface PortalClientOptions {
  /**
   * The portal session token (`kws_…`) your server minted with `client.portal.createSession`, or
   * a function called once per request that returns it (or a promise of it). Never read from
   * the environment, since a token belongs to one customer. `undefined` (no token in the
   * request you are serving, say) fails at the first call with `missing_session_token`.
   */
  token: SessionTokenProvider | undefined;
  /** Where the server is. Default `process.env.KEYWARD_BASE_URL`, else `http://127.0.0.1:3000`. */
  baseUrl?: string | URL;
  /** Per attempt, until the whole body has arrived. Default 30 000 ms. */
  timeoutMs?: number;
  /**
   * The largest response body read, in bytes: a larger one is refused with `invalid_response`
   * as soon as it passes the limit, and the rest is not read. Default 4 MiB (4 194 304), far above
   * any keyward answer; at most 256 MiB.
   */
  maxResponseBytes?: number;
  /** Retries after the first attempt, for idempotent requests. Default 2; 0 turns them off. */
  retries?: number;
  /** Waits between retries; see {@link BackoffOptions}. */
  backoff?: BackoffOptions;
  /** An undici Dispatcher (a MockAgent in tests, a custom Agent or Pool). Default: an Agent of the client's own. */
  dispatcher?: Dispatcher;
  /** The `User-Agent` header. Default `keyward-client/<version> node/<version>`. */
  userAgent?: string;
  /** Receives redacted request, response and retry events, for debugging. */
  debug?: (event: DebugEvent) => void;
}

/** What the transport needs of the options, whichever credential it sends. */
export interface TransportOptions {
  baseUrl: URL;
  environmentId: string | undefined;
  timeoutMs: number;
  maxResponseBytes: number;
  retries: number;
  backoff: ResolvedBackoff;
  dispatcher: Dispatcher | undefined;
  userAgent: string;
  debug: ((event: DebugEvent) => void) | undefined;
}

/** The options of `createClient` after validation, with defaults filled in. */
export interface ResolvedOptions extends TransportOptions {
  apiKey: ApiKeyProvider | undefined;
}

/** The options of `createPortalClient` after validation, with defaults filled in. */
export interface ResolvedPortalOptions extends TransportOptions {
  token: SessionTokenProvider | undefined;
}

/** The longest a timer can be in Node (2^31 - 1 ms); a longer one fires at once. */
export const MAX_TIMEOUT_MS = 2_147_483_647;
/** The default cap on a response body: 4 MiB, far above the largest answer keyward gives. */
const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** The highest cap allowed: a body must fit in one string to be parsed, and nothing keyward sends comes near. */
const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** More retries than this is a mistake, not a policy. */
export const MAX_RETRIES = 10;

/** Every option name {@link createClient} accepts. */
export const KNOWN_OPTIONS: readonly string[] = [
  'apiKey',
  'baseUrl',
  'environmentId',
  'timeoutMs',
  'maxResponseBytes',
  'retries',
  'backoff',
  'dispatcher',
  'userAgent',
  'debug',
];
/** Every option name {@link createPortalClient} accepts. */
export const KNOWN_PORTAL_OPTIONS: readonly string[] = [
  'token',
  'baseUrl',
  'timeoutMs',
  'maxResponseBytes',
  'retries',
  'backoff',
  'dispatcher',
  'userAgent',
  'debug',
];
/** Every `backoff` option name. */
export const KNOWN_BACKOFF: readonly string[] = [
  'baseDelayMs',
  'maxDelayMs',
  'maxRetryAfterMs',
  'sleep',
  'random',
  'now',
];

/** What kind of value it is (`a number`, `an array`), never the value itself. */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/**
 * `caller` is the function being set up (`createClient`, `createPortalClient`); `option` is the
 * path the caller wrote: `options`, `options.timeoutMs`, `options.backoff.sleep`.
 */
function fail(caller: string, option: string, expected: string, value: unknown): never {
  // The value itself is not quoted: it might be a key or a token put in the wrong option.
  throw usageError(caller, `${option} must be ${expected}, got ${describe(value)}`);
}

function checkDuration(caller: string, option: string, value: unknown, allowZero: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    fail(caller, option, allowZero ? 'a finite number >= 0' : 'a finite number > 0', value);
  }
  if (value > MAX_TIMEOUT_MS) fail(caller, option, `at most ${MAX_TIMEOUT_MS}`, value);
  return value;
}

/**
 * Parses and checks a base URL: http or https, no credentials, query or fragment. `source` is
 * what the messages call it: `options.baseUrl`, or `KEYWARD_BASE_URL` when it came from there.
 */
function parseBaseUrl(caller: string, value: unknown, source = 'options.baseUrl'): URL {
  if (typeof value !== 'string' && !(value instanceof URL)) fail(caller, source, 'a string or URL', value);
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw usageError(caller, `${source} must be an absolute http or https URL, such as http://127.0.0.1:3000`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(caller, `${source} must use http or https, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '') {
    const credential = caller === CREATE_PORTAL_CLIENT ? 'session token' : 'API key';
    throw usageError(caller, `${source} must not contain credentials; the client sends the ${credential}`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw usageError(caller, `${source} must not have a query string or fragment`);
  }
  // A path prefix (a server mounted under /keyward) is kept; request paths are appended to it.
  return url;
}

function defaultUserAgent(version: string): string {
  return `keyward-client/${version} node/${process.versions.node}`;
}

const CREATE_CLIENT = 'createClient';
const CREATE_PORTAL_CLIENT = 'createPortalClient';

/** `options` as an object whose every name is known to `caller`; `undefined` is `{}`. */
function checkOptionsObject(caller: string, options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    fail(caller, 'options', 'an object', options);
  }
  const opts = options as Record<string, unknown>;
  // A typo such as `apikey` would otherwise fall back to the environment without a word.
  assertKnownOptions(opts, known, usageCaller(caller));
  return opts;
}

/** A credential option: a string or a function returning one, checked for its form at the first call. */
function checkProvider(caller: string, option: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string' && typeof value !== 'function') {
    fail(caller, option, 'a string or a function returning one', value);
  }
}

/** The connection options both clients share, checked in the name of `caller`. */
function resolveTransportOptions(
  caller: string,
  opts: Record<string, unknown>,
  env: Record<string, string | undefined>,
  version: string,
): Omit<TransportOptions, 'environmentId'> {
  const baseUrl =
    opts.baseUrl !== undefined && opts.baseUrl !== null
      ? parseBaseUrl(caller, opts.baseUrl)
      : env.KEYWARD_BASE_URL !== undefined
        ? parseBaseUrl(caller, env.KEYWARD_BASE_URL, 'KEYWARD_BASE_URL')
        : parseBaseUrl(caller, 'http://127.0.0.1:3000');

  const timeoutMs =
    opts.timeoutMs === undefined ? 30_000 : checkDuration(caller, 'options.timeoutMs', opts.timeoutMs, false);

  const maxResponseBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (
    typeof maxResponseBytes !== 'number' ||
    !Number.isInteger(maxResponseBytes) ||
    maxResponseBytes < 1 ||
    maxResponseBytes > MAX_RESPONSE_BYTES
  ) {
    fail(caller, 'options.maxResponseBytes', `an integer from 1 to ${MAX_RESPONSE_BYTES}`, maxResponseBytes);
  }

  const retries = opts.retries ?? 2;
  if (typeof retries !== 'number' || !Number.isInteger(retries) || retries < 0 || retries > MAX_RETRIES) {
    fail(caller, 'options.retries', `an integer from 0 to ${MAX_RETRIES}`, retries);
  }

  const backoff = resolveBackoff(caller, opts.backoff);

  const dispatcher = opts.dispatcher;
  if (
    dispatcher !== undefined &&
    (typeof dispatcher !== 'object' ||
      dispatcher === null ||
      typeof (dispatcher as { request?: unknown }).request !== 'function')
  ) {
    fail(caller, 'options.dispatcher', 'an undici Dispatcher (Agent, Pool, MockAgent)', dispatcher);
  }

  const userAgent = opts.userAgent ?? defaultUserAgent(version);
  if (typeof userAgent !== 'string' || userAgent === '' || !isHeaderValue(userAgent)) {
    fail(caller, 'options.userAgent', 'a non-empty string without control characters', userAgent);
  }

  const debug = opts.debug;
  if (debug !== undefined && typeof debug !== 'function') fail(caller, 'options.debug', 'a function', debug);

  return {
    baseUrl,
    timeoutMs,
    maxResponseBytes,
    retries,
    backoff,
    dispatcher: dispatcher as Dispatcher | undefined,
    userAgent,
    debug: debug as TransportOptions['debug'],
  };
}

/**
 * Checks every option once, at `createClient`, and throws a TypeError naming the bad one. The
 * key itself is not checked here: a missing or malformed key fails at the first call (a
 * `KeywardError`), the same way whether it came as a string or from a provider function.
 */
export function resolveOptions(
  options: unknown,
  env: Record<string, string | undefined>,
  version: string,
): ResolvedOptions {
  const opts = checkOptionsObject(CREATE_CLIENT, options, KNOWN_OPTIONS);
  const apiKey = opts.apiKey === undefined ? env.KEYWARD_API_KEY : opts.apiKey;
  checkProvider(CREATE_CLIENT, 'options.apiKey', apiKey);

  const environmentId = opts.environmentId;
  if (environmentId !== undefined) {
    if (typeof environmentId !== 'string' || environmentId === '' || !/^[\x21-\x7e]+$/.test(environmentId)) {
      fail(CREATE_CLIENT, 'options.environmentId', 'a non-empty string of printable ASCII', environmentId);
    }
  }

  return {
    ...resolveTransportOptions(CREATE_CLIENT, opts, env, version),
    apiKey: apiKey as ApiKeyProvider | undefined,
    environmentId: environmentId as string | undefined,
  };
}

/**
 * Checks every option of `createPortalClient` once, like {@link resolveOptions}. The token is
 * checked at the first call, like the key; it has no default in the environment.
 */
export function resolvePortalOptions(
  options: unknown,
  env: Record<string, string | undefined>,
  version: string,
): ResolvedPortalOptions {
  const opts = checkOptionsObject(CREATE_PORTAL_CLIENT, options, KNOWN_PORTAL_OPTIONS);
  checkProvider(CREATE_PORTAL_CLIENT, 'options.token', opts.token);
  return {
    ...resolveTransportOptions(CREATE_PORTAL_CLIENT, opts, env, version),
    token: opts.token as SessionTokenProvider | undefined,
    environmentId: undefined,
  };
}

function resolveBackoff(caller: string, value: unknown): ResolvedBackoff {
  if (value === undefined) return DEFAULT_BACKOFF;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail(caller, 'options.backoff', 'an object', value);
  }
  const given = value as Record<string, unknown>;
  assertKnownOptions(given, KNOWN_BACKOFF, usageCaller(caller), 'options.backoff');
  const out: ResolvedBackoff = { ...DEFAULT_BACKOFF };
  for (const name of ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs'] as const) {
    if (given[name] !== undefined) out[name] = checkDuration(caller, `options.backoff.${name}`, given[name], true);
  }
  for (const name of ['sleep', 'random', 'now'] as const) {
    if (given[name] === undefined) continue;
    if (typeof given[name] !== 'function') fail(caller, `options.backoff.${name}`, 'a function', given[name]);
    // biome-ignore lint/suspicious/noExplicitAny: each of the three is checked to be a function above.
    out[name] = given[name] as any;
  }
  return out;
}

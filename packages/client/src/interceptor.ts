import { isApiKeyFormat } from '@keyward/core';
import { assertKnownOptions, isHeaderName } from '@keyward/core/adapter';
import type { Dispatcher } from 'undici';
import { API_KEY_HEADER } from './credentials.js';
import { KeywardError } from './errors.js';
import { isObject } from './is-object.js';
import { usageCaller, usageError } from './usage-error.js';

/** Options for {@link apiKeyInterceptor}. */
export interface ApiKeyInterceptorOptions {
  /**
   * Only requests to this origin get the key. Strongly recommended when the dispatcher is shared:
   * without it every request through the dispatcher, to any host, carries the key.
   */
  origin?: string | URL;
  /** The header to send the key in. Default `x-api-key`. */
  header?: string;
}

const INTERCEPTOR_OPTIONS: readonly string[] = ['origin', 'header'];

type HeaderPairs = [string, string | string[] | undefined][];

// undici accepts headers as a record, a flat [name, value, name, value] array or an iterable of
// pairs. Reduce them all to pairs so the key header can be replaced whatever the caller used.
function toPairs(headers: Dispatcher.DispatchOptions['headers']): HeaderPairs {
  if (headers == null) return [];
  if (Array.isArray(headers) && (headers.length === 0 || typeof headers[0] === 'string')) {
    const flat = headers as string[];
    const pairs: HeaderPairs = [];
    for (let i = 0; i + 1 < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]]);
    return pairs;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === 'function') {
    return [...(headers as Iterable<[string, string | string[] | undefined]>)];
  }
  return Object.entries(headers as Record<string, string | string[] | undefined>);
}

/** `headers` as a flat array without any `name` header, then `name: value`. */
export function withHeader(headers: Dispatcher.DispatchOptions['headers'], name: string, value: string): string[] {
  const lower = name.toLowerCase();
  const flat: string[] = [];
  for (const [key, val] of toPairs(headers)) {
    // A second X-API-Key would make the server answer invalid_api_key.
    if (key.toLowerCase() === lower || val === undefined) continue;
    for (const one of Array.isArray(val) ? val : [val]) flat.push(key, one);
  }
  flat.push(lower, value);
  return flat;
}

function originOf(value: string | URL | undefined): string | undefined {
  if (value === undefined) return undefined;
  try {
    return new URL(value).origin;
  } catch {
    return undefined;
  }
}

/**
 * An undici interceptor that sends a keyward key with every request, replacing any key header
 * already there. For people who compose their own dispatchers; `createClient` does this itself.
 * `apiKey` is a key or a synchronous function returning one (to follow a rotation); it must be
 * 64 lowercase hex characters, else a {@link KeywardError} `invalid_api_key` (or
 * `missing_api_key` when empty) is thrown without sending anything.
 *
 * @example
 * import { Agent } from 'undici';
 * const dispatcher = new Agent().compose(
 *   apiKeyInterceptor(process.env.KEYWARD_API_KEY!, { origin: 'https://api.example.com' }),
 * );
 */
export function apiKeyInterceptor(
  apiKey: string | (() => string),
  options: ApiKeyInterceptorOptions = {},
): Dispatcher.DispatcherComposeInterceptor {
  if (typeof apiKey !== 'string' && typeof apiKey !== 'function') {
    throw usageError('apiKeyInterceptor', 'apiKey must be a string or a function returning one');
  }
  if (!isObject(options)) throw usageError('apiKeyInterceptor', 'options must be an object');
  // A misspelt `origin` would otherwise send the key to every host the dispatcher reaches.
  assertKnownOptions(options, INTERCEPTOR_OPTIONS, usageCaller('apiKeyInterceptor'));
  const header = options.header ?? API_KEY_HEADER;
  if (!isHeaderName(header)) throw usageError('apiKeyInterceptor', 'options.header must be an HTTP header name');
  const origin = options.origin === undefined ? undefined : originOf(options.origin);
  if (options.origin !== undefined && origin === undefined) {
    throw usageError('apiKeyInterceptor', 'options.origin must be an absolute URL');
  }
  const resolve = (): string => {
    const key = typeof apiKey === 'function' ? apiKey() : apiKey;
    if (typeof key !== 'string' || key === '') {
      throw new KeywardError('missing_api_key', 'No API key: the apiKey given to apiKeyInterceptor is empty');
    }
    if (!isApiKeyFormat(key)) {
      throw new KeywardError('invalid_api_key', 'The API key is not 64 lowercase hex characters');
    }
    return key;
  };
  // Checked once now, so that a bad static key fails at setup and not at the first request.
  if (typeof apiKey === 'string') resolve();

  return (dispatch) => (opts, handler) => {
    if (origin !== undefined && originOf(opts.origin) !== origin) return dispatch(opts, handler);
    return dispatch({ ...opts, headers: withHeader(opts.headers, header, resolve()) }, handler);
  };
}

import { isApiKeyFormat, isSessionTokenFormat } from '@keyward/core';
import { isObject } from '../is-object.js';
import type { TransportRequest } from '../transport.js';
import type { CallOptions } from '../types.js';
import { usageError } from '../usage-error.js';

// What every resource (`client.keys`, `client.portal`, `client.webhooks`, the portal client) does
// the same way: ids in paths, the input object, the per-call options.

// A key, a session token or a webhook secret passed where an id belongs would travel in the URL,
// into every access log on the way; it is refused before anything is sent, and never quoted.
const WEBHOOK_SECRET = /^wh(?:sec|sk)_/;

/**
 * `base/{id}`, with the id escaped, so that an id such as `a/../b` names one resource and never
 * another route. A TypeError, naming `operation`, for an empty id or a secret given as an id.
 */
export function idPath(operation: string, base: string, id: unknown): string {
  if (typeof id !== 'string' || id === '') throw usageError(operation, 'id must be a non-empty string');
  if (isApiKeyFormat(id) || isSessionTokenFormat(id) || WEBHOOK_SECRET.test(id)) {
    throw usageError(operation, 'id must be an id, not a key, session token or webhook secret; nothing was sent');
  }
  return `${base}/${encodeURIComponent(id)}`;
}

/** `input` itself, once it is known to be an object: a call's input is never a string or an array. */
export function checkInput<T>(operation: string, input: T, expected = 'an object'): T {
  if (!isObject(input)) throw usageError(operation, `input must be ${expected}`);
  return input;
}

/**
 * The per-call options, and nothing else: a typed call decides its own method, body and
 * retries, so stray fields of an untyped caller's options object never reach the transport.
 */
export function callOptions(options: CallOptions | undefined): Pick<TransportRequest, 'signal' | 'timeoutMs'> {
  const { signal, timeoutMs } = options ?? {};
  return { signal, timeoutMs };
}

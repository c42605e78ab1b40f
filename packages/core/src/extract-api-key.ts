import { type ApiKeyError, refusal } from './errors.js';

/**
 * Request headers as frameworks hand them over: Node's `IncomingHttpHeaders` shape (a value,
 * or an array of values for a repeated header) or a Web `Headers`.
 */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | number | undefined | null>>;
export type HeadersLike = HeaderRecord | Headers;

/** What one header holds: nothing, one value, or more than one (refused). */
export type HeaderValue = { kind: 'absent' } | { kind: 'one'; value: string } | { kind: 'many' };

const ABSENT: HeaderValue = Object.freeze({ kind: 'absent' });
const MANY: HeaderValue = Object.freeze({ kind: 'many' });

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether `name` is a valid HTTP header name (RFC 9110 token). */
export function isHeaderName(name: unknown): name is string {
  return typeof name === 'string' && name.length > 0 && name.length <= 256 && TOKEN.test(name);
}

// Field values of RFC 9110 section 5.5: visible ASCII, obs-text, spaces and tabs. CR, LF, NUL
// and other controls would allow header injection.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** Whether `value` may be sent as an HTTP header value (no CR, LF or other controls). */
export function isHeaderValue(value: unknown): value is string {
  return typeof value === 'string' && FIELD_VALUE.test(value);
}

function isWebHeaders(headers: object): headers is Headers {
  return typeof (headers as Headers).get === 'function' && typeof (headers as Headers).has === 'function';
}

// What a value that cannot be a header string (an object, a function) turns into: present,
// non-empty and never a key, so it is refused rather than crashing String().
const UNREADABLE = '\u0000';

function toHeaderString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return UNREADABLE;
}

/**
 * Reads one header, matching its name case-insensitively. Empty values count as absent;
 * surrounding whitespace is not part of a value (RFC 9110 5.5). Never throws: a headers
 * object that cannot be read counts as holding more than one value, so it is refused.
 */
export function readHeader(headers: unknown, name: string): HeaderValue {
  if (typeof headers !== 'object' || headers === null) return ABSENT;
  const lower = String(name).toLowerCase();
  let found: string | undefined;
  let count = 0;
  try {
    if (isWebHeaders(headers)) {
      const value = headers.get(lower);
      if (value === null || value === undefined) return ABSENT;
      found = toHeaderString(value).trim();
      count = found.length > 0 ? 1 : 0;
    } else {
      // for…in, not Object.entries: no array per request. A field whose length differs
      // cannot match, so most names are passed over without lower-casing them.
      for (const field in headers) {
        if (field.length !== lower.length || !Object.hasOwn(headers, field)) continue;
        if (field !== lower && field.toLowerCase() !== lower) continue;
        const value = (headers as Record<string, unknown>)[field];
        if (value === undefined || value === null) continue;
        if (Array.isArray(value)) {
          for (const item of value) {
            const text = toHeaderString(item).trim();
            if (text.length > 0) {
              found = text;
              count += 1;
            }
          }
        } else {
          const text = toHeaderString(value).trim();
          if (text.length > 0) {
            found = text;
            count += 1;
          }
        }
      }
    }
  } catch {
    // A getter or proxy that throws: fail closed.
    return MANY;
  }
  if (count === 0) return ABSENT;
  if (count > 1) return MANY;
  return { kind: 'one', value: found as string };
}

/**
 * Where an authenticator finds the key when it is not the whole value of one header of its own
 * (the `extractKey` option): given the request's headers, it returns the key, or `undefined` (or
 * `null`) when the request carries none. It gets the headers only, never the URL: a key in a query
 * string ends up in logs, browser histories and `Referer` headers, so keyward never accepts one.
 */
export type KeyExtractor = (headers: HeadersLike) => string | null | undefined;

/**
 * A {@link KeyExtractor} for `Authorization: Bearer <key>` (the scheme in any case). Another
 * scheme (`Basic …`) counts as no key; more than one `Authorization` header is refused.
 *
 * @example
 * app.use(apiKeyAuth({ store, extractKey: bearerKey }));
 */
export function bearerKey(headers: HeadersLike): string | undefined {
  const found = readHeader(headers, 'authorization');
  if (found.kind === 'absent') return undefined;
  // A comma is never part of a key: the value is refused as more than one key.
  if (found.kind === 'many') return ',';
  const match = /^bearer[ \t]+(.*)$/i.exec(found.value);
  return match === null ? undefined : match[1];
}

type Extracted = { ok: true; key: string } | { ok: false; error: ApiKeyError };

const moreThanOneKey = (): Extracted => ({
  ok: false,
  error: refusal('invalid_api_key', { message: 'More than one API key was sent' }),
});

/** The same rules for a header's value and an extractor's answer: empty is missing, a comma is two keys. */
function checkExtracted(value: unknown): Extracted {
  if (value === undefined || value === null) return { ok: false, error: refusal('missing_api_key') };
  if (typeof value !== 'string') return { ok: false, error: refusal('invalid_api_key') };
  const key = value.trim();
  if (key.length === 0) return { ok: false, error: refusal('missing_api_key') };
  // Node's IncomingMessage and Web Headers join a repeated header into 'a, b'. A key never
  // holds a comma, so a comma means more than one value was sent.
  if (key.includes(',')) return moreThanOneKey();
  return { ok: true, key };
}

/**
 * Takes the API key out of the request headers: the value of `header`, or what `extractKey`
 * finds. No key, or an empty one, is `missing_api_key`; more than one value is
 * `invalid_api_key`. Whether the value has the key format is checked later, by the
 * authenticator. An extractor that throws is the app's fault: the error goes up.
 */
export function extractApiKey(headers: unknown, header: string | KeyExtractor = 'x-api-key'): Extracted {
  if (typeof header === 'function') return checkExtracted(header(headers as HeadersLike));
  const found = readHeader(headers, header);
  if (found.kind === 'absent') return { ok: false, error: refusal('missing_api_key') };
  if (found.kind === 'many') return moreThanOneKey();
  return checkExtracted(found.value);
}

import { ApiKeyError } from './errors.js';

/**
 * Request headers as frameworks hand them over: Node's `IncomingHttpHeaders` shape (a value,
 * or an array of values for a repeated header) or a Web `Headers`.
 */
export type HeaderRecord = Readonly<Record<string, string | readonly string[] | number | undefined | null>>;
export type HeadersLike = HeaderRecord | Headers;

/** What one header holds: nothing, one value, or more than one (refused). */
export type HeaderValue = { kind: 'absent' } | { kind: 'one'; value: string } | { kind: 'many' };

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
  if (typeof headers !== 'object' || headers === null) return { kind: 'absent' };
  const lower = String(name).toLowerCase();
  const values: string[] = [];
  try {
    if (isWebHeaders(headers)) {
      const value = headers.get(lower);
      if (value !== null && value !== undefined) values.push(toHeaderString(value));
    } else {
      for (const [field, value] of Object.entries(headers)) {
        if (field.toLowerCase() !== lower || value === undefined || value === null) continue;
        if (Array.isArray(value)) {
          for (const item of value) values.push(toHeaderString(item));
        } else {
          values.push(toHeaderString(value));
        }
      }
    }
  } catch {
    // A getter or proxy that throws: fail closed.
    return { kind: 'many' };
  }
  const present = values.map((v) => v.trim()).filter((v) => v.length > 0);
  if (present.length === 0) return { kind: 'absent' };
  if (present.length > 1) return { kind: 'many' };
  return { kind: 'one', value: present[0] as string };
}

/**
 * Takes the API key out of the request headers. No header, or an empty one, is
 * `missing_api_key`; more than one value is `invalid_api_key`. Whether the value has the key
 * format is checked later, by the authenticator.
 */
export function extractApiKey(
  headers: unknown,
  header = 'x-api-key',
): { ok: true; key: string } | { ok: false; error: ApiKeyError } {
  const found = readHeader(headers, header);
  if (found.kind === 'absent') return { ok: false, error: new ApiKeyError('missing_api_key') };
  // Node's IncomingMessage and Web Headers join a repeated header into 'a, b'. A key never
  // holds a comma, so a comma means more than one value was sent.
  if (found.kind === 'many' || found.value.includes(',')) {
    return { ok: false, error: new ApiKeyError('invalid_api_key', { message: 'More than one API key was sent' }) };
  }
  return { ok: true, key: found.value };
}

// The wire speaks snake_case, TypeScript speaks camelCase. Only object keys
// change; values (scopes such as `keys:read`, names, ids) are never touched.

// Every response renames the same few dozen keys: remembered, so a response costs no regular
// expression. Bounded, so that a server sending endless distinct keys cannot grow it.
const camelCached = new Map<string, string>();
const CAMEL_CACHE_LIMIT = 1_000;

/** `expires_at` → `expiresAt`. Leading underscores and non-letters after `_` are kept as they are. */
export function camelCaseKey(key: string): string {
  let camel = camelCached.get(key);
  if (camel === undefined) {
    camel = key.replace(/(?<=[a-zA-Z0-9])_([a-z0-9])/g, (_, ch: string) => ch.toUpperCase());
    if (camelCached.size < CAMEL_CACHE_LIMIT) camelCached.set(key, camel);
  }
  return camel;
}

/** `expiresAt` → `expires_at`. A key already in snake_case is unchanged. */
export function snakeCaseKey(key: string): string {
  return key.replace(/(?<=[a-zA-Z0-9])([A-Z])/g, (_, ch: string) => `_${ch.toLowerCase()}`);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, rename));
  // Dates, class instances and the like pass through for JSON.stringify to handle.
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const renamed = rename(key);
    const item = mapKeys(value[key], rename);
    if (renamed === '__proto__') {
      // defineProperty, so that a `__proto__` key from the wire stays data and never a prototype.
      Object.defineProperty(out, renamed, { value: item, enumerable: true, writable: true, configurable: true });
    } else {
      out[renamed] = item;
    }
  }
  return out;
}

/** A deep copy of a parsed JSON value with every object key in camelCase. */
export function toCamelCase<T = unknown>(value: unknown): T {
  return mapKeys(value, camelCaseKey) as T;
}

/** A deep copy of a value with every plain-object key in snake_case, ready for `JSON.stringify`. */
export function toSnakeCase(value: unknown): unknown {
  return mapKeys(value, snakeCaseKey);
}

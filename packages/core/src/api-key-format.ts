/** Exactly 64 lowercase hex characters: the only shape a keyward key has. */
export const API_KEY_PATTERN = /^[0-9a-f]{64}$/;

/** The length of every keyward key, in characters. */
export const API_KEY_LENGTH = 64;

/**
 * Whether `value` has the shape of a keyward key: a string of exactly 64 lowercase hex
 * characters. Anything else (other types, upper case, whitespace, unicode) is `false`, so a
 * malformed key is refused before the store is asked.
 */
export function isApiKeyFormat(value: unknown): value is string {
  // The length check first keeps a 10 MB header from reaching the regular expression.
  return typeof value === 'string' && value.length === API_KEY_LENGTH && API_KEY_PATTERN.test(value);
}

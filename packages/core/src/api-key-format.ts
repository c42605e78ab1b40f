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
  if (typeof value !== 'string' || value.length !== API_KEY_LENGTH) return false;
  // A loop over char codes, not API_KEY_PATTERN: on every request, the regular expression
  // cost about a third of the SHA-256 it guards.
  for (let i = 0; i < API_KEY_LENGTH; i++) {
    const c = value.charCodeAt(i);
    // 0-9 (48-57) or a-f (97-102)
    if (c < 48 || (c > 57 && c < 97) || c > 102) return false;
  }
  return true;
}

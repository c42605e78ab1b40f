import { hash } from 'node:crypto';

// With the u flag, a surrogate pair is one code point, so this matches only unpaired halves.
const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * The SHA-256 of the exact key string (UTF-8), as 64 lowercase hex characters: the only form
 * in which a key is stored or looked up. A fast hash is enough here, unlike for passwords,
 * because a key carries 256 bits of randomness: there is nothing to guess from the hash.
 *
 * @throws TypeError when `key` is not a non-empty, well-formed string.
 * @example
 * hashApiKey(DEV_API_KEY); // '…' (64 hex characters)
 */
export function hashApiKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError('hashApiKey expects a non-empty string');
  }
  // UTF-8 encoding would turn every lone surrogate into U+FFFD, so two different strings
  // would share a hash: refuse instead of hashing something other than the exact string.
  if (LONE_SURROGATE.test(key)) {
    throw new TypeError('hashApiKey expects a well-formed string (it contains a lone UTF-16 surrogate)');
  }
  return sha256Hex(key);
}

/**
 * SHA-256 of a string (UTF-8) as lowercase hex, in one call: `crypto.hash` skips the Hash
 * object `createHash` builds, which on a 64-character key is a good part of the cost. For
 * values already checked (a well-formed key or token); {@link hashApiKey} checks first.
 */
export function sha256Hex(value: string): string {
  return hash('sha256', value, 'hex');
}

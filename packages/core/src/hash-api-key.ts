import { createHash } from 'node:crypto';

/**
 * The SHA-256 of the exact key string (UTF-8), as 64 lowercase hex characters: the only form
 * in which a key is stored or looked up. A fast hash is enough here, unlike for passwords,
 * because a key carries 256 bits of randomness: there is nothing to guess from the hash.
 *
 * @throws TypeError when `key` is not a non-empty string.
 * @example
 * hashApiKey(DEV_API_KEY); // '…' (64 hex characters)
 */
export function hashApiKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new TypeError('hashApiKey expects a non-empty string');
  }
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

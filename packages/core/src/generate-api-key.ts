import { randomBytes } from 'node:crypto';

/**
 * A new API key: 32 bytes from the operating system's CSPRNG as 64 lowercase hex characters.
 * Show it to its owner once and store only {@link hashApiKey} of it.
 *
 * @example
 * const key = generateApiKey(); // 'a3f1…' (64 characters)
 */
export function generateApiKey(): string {
  return randomBytes(32).toString('hex');
}

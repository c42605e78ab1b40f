import { randomBytes } from 'node:crypto';
import { sha256Hex } from './hash-api-key.js';

/** What every portal session token starts with, so it can never be mistaken for an API key. */
const SESSION_TOKEN_PREFIX = 'kws_';

// `kws_` and 32 random bytes in base64url (43 characters, no padding).
const SESSION_TOKEN_PATTERN = /^kws_[A-Za-z0-9_-]{43}$/;

/**
 * A new portal session token: `kws_` and 32 bytes from the CSPRNG, base64url-encoded. Opaque:
 * it says nothing about its session; the store keeps only its SHA-256.
 *
 * @example
 * const token = generateSessionToken(); // 'kws_Q2xh…' (47 characters)
 */
export function generateSessionToken(): string {
  return `${SESSION_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/** Whether `value` has the session token format. An API key never has it, nor the reverse. */
export function isSessionTokenFormat(value: unknown): value is string {
  return typeof value === 'string' && SESSION_TOKEN_PATTERN.test(value);
}

/**
 * The SHA-256 of a session token, 64 lowercase hex characters: what a session store keeps and
 * looks up. Only call it on a string that has the format ({@link isSessionTokenFormat}).
 */
export function hashSessionToken(token: string): string {
  if (!isSessionTokenFormat(token)) throw new TypeError('@keyward/core: hashSessionToken expects a session token');
  return sha256Hex(token);
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isApiKeyFormat } from './api-key-format.js';
import { generateApiKey } from './generate-api-key.js';
import { generateSessionToken, hashSessionToken, isSessionTokenFormat } from './session-token.js';

describe('session tokens', () => {
  it('are kws_ and 32 random bytes in base64url, new every time', () => {
    const token = generateSessionToken();
    expect(token).toMatch(/^kws_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token.slice(4), 'base64url')).toHaveLength(32);
    expect(generateSessionToken()).not.toBe(token);
    expect(isSessionTokenFormat(token)).toBe(true);
  });

  it('can never be mistaken for an API key, nor an API key for a token', () => {
    fc.assert(
      fc.property(fc.constant(null), () => {
        const token = generateSessionToken();
        const key = generateApiKey();
        expect(isApiKeyFormat(token)).toBe(false);
        expect(isSessionTokenFormat(key)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('hash to 64 hex characters, the SHA-256 of the token, and refuse anything else', () => {
    const token = generateSessionToken();
    expect(hashSessionToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSessionToken(token)).toBe(hashSessionToken(token));
    expect(hashSessionToken(generateSessionToken())).not.toBe(hashSessionToken(token));
    expect(() => hashSessionToken(generateApiKey())).toThrow(/expects a session token/);
    expect(() => hashSessionToken(`${token} `)).toThrow(TypeError);
  });

  it('refuse every string that is not one', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (value) => {
        expect(isSessionTokenFormat(value)).toBe(/^kws_[A-Za-z0-9_-]{43}$/.test(value));
      }),
    );
    for (const value of [undefined, null, 42, {}, `kws_${'a'.repeat(42)}`, `KWS_${'a'.repeat(43)}`]) {
      expect(isSessionTokenFormat(value)).toBe(false);
    }
  });
});

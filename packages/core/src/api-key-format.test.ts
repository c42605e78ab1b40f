import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { API_KEY_LENGTH, API_KEY_PATTERN, isApiKeyFormat } from './api-key-format.js';
import { DEV_API_KEY } from './dev-api-key.js';
import { generateApiKey } from './generate-api-key.js';

const hexKey = fc.stringMatching(/^[0-9a-f]{64}$/);

describe('isApiKeyFormat', () => {
  it('agrees with API_KEY_PATTERN on every string, near-misses included', () => {
    const near = fc
      .tuple(hexKey, fc.nat(63), fc.integer({ min: 0, max: 0xffff }))
      .map(([key, at, code]) => key.slice(0, at) + String.fromCharCode(code) + key.slice(at + 1));
    fc.assert(
      fc.property(fc.oneof(near, fc.string({ minLength: 64, maxLength: 64 }), hexKey), (value) => {
        expect(isApiKeyFormat(value)).toBe(API_KEY_PATTERN.test(value));
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts exactly 64 lowercase hex characters', () => {
    expect(isApiKeyFormat('0'.repeat(64))).toBe(true);
    expect(isApiKeyFormat('f'.repeat(64))).toBe(true);
    expect(isApiKeyFormat(DEV_API_KEY)).toBe(true);
    expect(isApiKeyFormat(generateApiKey())).toBe(true);
    fc.assert(fc.property(hexKey, (key) => isApiKeyFormat(key)));
  });

  it('refuses every length other than 64', () => {
    expect(isApiKeyFormat('')).toBe(false);
    expect(isApiKeyFormat('a'.repeat(63))).toBe(false);
    expect(isApiKeyFormat('a'.repeat(65))).toBe(false);
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9a-f]*$/).filter((s) => s.length !== 64),
        (value) => !isApiKeyFormat(value),
      ),
    );
  });

  it('refuses upper case, whitespace, unicode look-alikes and a trailing newline', () => {
    const key = generateApiKey();
    expect(isApiKeyFormat(key.toUpperCase().replace(/^[0-9]*/, 'A'))).toBe(false);
    expect(isApiKeyFormat(`${'A'}${key.slice(1)}`)).toBe(false);
    expect(isApiKeyFormat(` ${key.slice(1)}`)).toBe(false);
    expect(isApiKeyFormat(`${key.slice(1)}\n`)).toBe(false);
    expect(isApiKeyFormat(`${key}\n`)).toBe(false);
    // Full-width digit zero and Cyrillic 'а' look like hex but are not.
    expect(isApiKeyFormat(`\uff10${key.slice(1)}`)).toBe(false);
    expect(isApiKeyFormat(`\u0430${key.slice(1)}`)).toBe(false);
    expect(isApiKeyFormat(`\ud800${key.slice(1)}`)).toBe(false);
  });

  it('refuses any 64-character string with one non-hex character in it', () => {
    fc.assert(
      fc.property(
        hexKey,
        fc.nat(63),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }).filter((c) => !/^[0-9a-f]$/.test(c)),
        (key, at, bad) => {
          const value = key.slice(0, at) + bad + key.slice(at + 1);
          return !isApiKeyFormat(value);
        },
      ),
    );
  });

  it('agrees with the documented pattern for any string', () => {
    // One property per arbitrary (the 'binary' unit is very slow under vitest; lone surrogates are tested above).
    for (const strings of [fc.string({ maxLength: 80 }), fc.string({ unit: 'grapheme', maxLength: 80 }), hexKey]) {
      fc.assert(
        fc.property(strings, (value) => {
          return isApiKeyFormat(value) === (value.length === API_KEY_LENGTH && API_KEY_PATTERN.test(value));
        }),
      );
    }
  });

  it('refuses non-strings without throwing', () => {
    for (const value of [undefined, null, 0, 1n, true, {}, [], ['a'.repeat(64)], Symbol('k'), () => 'x']) {
      expect(isApiKeyFormat(value)).toBe(false);
    }
    expect(isApiKeyFormat(new String('a'.repeat(64)))).toBe(false);
    fc.assert(fc.property(fc.anything(), (value) => isApiKeyFormat(value) === false || typeof value === 'string'));
  });

  it('refuses a 10 MB string', () => {
    expect(isApiKeyFormat('a'.repeat(10 * 1024 * 1024))).toBe(false);
  });
});

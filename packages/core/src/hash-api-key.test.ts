import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateApiKey } from './generate-api-key.js';
import { hashApiKey } from './hash-api-key.js';

describe('hashApiKey', () => {
  it('matches the known SHA-256 vectors (FIPS 180-2)', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashApiKey('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('hashes the exact string: case and whitespace matter', () => {
    const key = generateApiKey();
    expect(hashApiKey(key)).not.toBe(hashApiKey(key.toUpperCase()));
    expect(hashApiKey(key)).not.toBe(hashApiKey(`${key} `));
  });

  it('is the lowercase hex SHA-256 of the UTF-8 string, for any well-formed string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', minLength: 1 }), (value) => {
        const hash = hashApiKey(value);
        expect(hash).toMatch(/^[0-9a-f]{64}$/);
        expect(hash).toBe(createHash('sha256').update(Buffer.from(value, 'utf8')).digest('hex'));
        expect(hashApiKey(value)).toBe(hash);
      }),
    );
  });

  it('gives different hashes for different keys', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), fc.stringMatching(/^[0-9a-f]{64}$/), (a, b) => {
        fc.pre(a !== b);
        return hashApiKey(a) !== hashApiKey(b);
      }),
    );
  });

  it('is synchronous', () => {
    expect(typeof hashApiKey('abc')).toBe('string');
  });

  it('hashes a 10 MB string', () => {
    const big = 'a'.repeat(10 * 1024 * 1024);
    expect(hashApiKey(big)).toBe(createHash('sha256').update(big).digest('hex'));
  });

  it('refuses non-strings and the empty string with a TypeError', () => {
    for (const value of [undefined, null, 42, {}, [], Buffer.from('abc'), '']) {
      expect(() => hashApiKey(value as string)).toThrow(TypeError);
    }
    expect(() => hashApiKey('')).toThrow(/non-empty string/);
  });

  it('refuses a lone surrogate, which UTF-8 could not encode exactly', () => {
    // Both would be encoded as U+FFFD and so share a hash.
    expect(() => hashApiKey('\ud800')).toThrow(/lone UTF-16 surrogate/);
    expect(() => hashApiKey('a\udfffb')).toThrow(TypeError);
    expect(hashApiKey('\ud83d\ude00')).toBe(createHash('sha256').update('😀').digest('hex'));
  });
});

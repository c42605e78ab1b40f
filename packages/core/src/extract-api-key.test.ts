import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bearerKey, extractApiKey, isHeaderName, readHeader } from './extract-api-key.js';
import { generateApiKey } from './generate-api-key.js';

const token = fc.stringMatching(/^[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,40}$/);
// A header name in random case: matching must not depend on it.
const randomCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((flags) => [...name].map((c, i) => (flags[i] ? c.toUpperCase() : c.toLowerCase())).join(''));
const nonBlank = fc.string({ minLength: 1, maxLength: 80 }).filter((s) => s.trim().length > 0);

describe('isHeaderName', () => {
  it('accepts RFC 9110 tokens', () => {
    for (const name of ['x-api-key', 'X-API-Key', 'authorization', "a!#$%&'*+-.^_`|~9"]) {
      expect(isHeaderName(name)).toBe(true);
    }
    fc.assert(fc.property(token, (name) => isHeaderName(name)));
  });

  it('refuses anything else', () => {
    for (const name of ['', 'x api key', 'x-api-key:', 'ключ', 'a\nb', 'a'.repeat(257), null, 1, {}]) {
      expect(isHeaderName(name)).toBe(false);
    }
  });
});

describe('readHeader', () => {
  it('finds one value in a plain record, whatever the case of the name', () => {
    fc.assert(
      fc.property(token, nonBlank, (name, value) => {
        fc.assert(
          fc.property(randomCase(name), randomCase(name), (stored, asked) => {
            expect(readHeader({ [stored]: value }, asked)).toEqual({ kind: 'one', value: value.trim() });
          }),
          { numRuns: 5 },
        );
      }),
      { numRuns: 50 },
    );
  });

  it('finds one value in a Web Headers, whatever the case of the name', () => {
    fc.assert(
      fc.property(randomCase('x-api-key'), randomCase('x-api-key'), (stored, asked) => {
        const key = 'a'.repeat(64);
        expect(readHeader(new Headers({ [stored]: key }), asked)).toEqual({ kind: 'one', value: key });
      }),
    );
  });

  it('treats absent, undefined, null, empty and blank values as absent', () => {
    const absent = { kind: 'absent' };
    expect(readHeader({}, 'x-api-key')).toEqual(absent);
    expect(readHeader({ 'x-api-key': undefined }, 'x-api-key')).toEqual(absent);
    expect(readHeader({ 'x-api-key': null }, 'x-api-key')).toEqual(absent);
    expect(readHeader({ 'x-api-key': '' }, 'x-api-key')).toEqual(absent);
    expect(readHeader({ 'x-api-key': '  \t ' }, 'x-api-key')).toEqual(absent);
    expect(readHeader({ 'x-api-key': [] }, 'x-api-key')).toEqual(absent);
    expect(readHeader({ 'x-api-key': ['', ' '] }, 'x-api-key')).toEqual(absent);
    expect(readHeader(new Headers(), 'x-api-key')).toEqual(absent);
    expect(readHeader(new Headers({ 'x-api-key': '' }), 'x-api-key')).toEqual(absent);
  });

  it('treats headers that are not an object as absent', () => {
    for (const headers of [undefined, null, 'x-api-key: k', 42, true]) {
      expect(readHeader(headers, 'x-api-key')).toEqual({ kind: 'absent' });
    }
  });

  it('reports more than one value: an array, or the same name in two cases', () => {
    fc.assert(
      fc.property(nonBlank, nonBlank, (a, b) => {
        expect(readHeader({ 'x-api-key': [a, b] }, 'x-api-key')).toEqual({ kind: 'many' });
        expect(readHeader({ 'x-api-key': a, 'X-API-KEY': b }, 'x-api-key')).toEqual({ kind: 'many' });
      }),
    );
  });

  it('ignores other headers', () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          token.filter((name) => name.toLowerCase() !== 'x-api-key'),
          fc.string(),
        ),
        (headers) => {
          expect(readHeader(headers, 'x-api-key')).toEqual({ kind: 'absent' });
        },
      ),
    );
  });

  it('never throws, whatever the record holds', () => {
    const hostile = [
      { 'x-api-key': Object.create(null) },
      { 'x-api-key': [Object.create(null)] },
      { 'x-api-key': { toString: () => generateApiKey() } },
      { 'x-api-key': Symbol('k') },
      {
        get 'x-api-key'(): string {
          throw new Error('getter');
        },
      },
      new Proxy(
        {},
        {
          ownKeys() {
            throw new Error('proxy');
          },
        },
      ),
      { get: () => 'not a Headers', has: 'no' },
    ];
    for (const headers of hostile) {
      const result = readHeader(headers, 'x-api-key');
      // Never a usable key out of something that is not a header string.
      if (result.kind === 'one') expect(result.value).not.toMatch(/^[0-9a-f]{64}$/);
    }
    fc.assert(
      fc.property(fc.anything(), (headers) => {
        readHeader(headers, 'x-api-key');
        readHeader({ 'x-api-key': headers }, 'x-api-key');
      }),
    );
  });

  it('turns numbers into strings, as Node may hand them over', () => {
    expect(readHeader({ 'content-length': 42 }, 'content-length')).toEqual({ kind: 'one', value: '42' });
  });
});

describe('extractApiKey', () => {
  it('returns the single value, trimmed of surrounding whitespace', () => {
    const key = generateApiKey();
    expect(extractApiKey({ 'x-api-key': key })).toEqual({ ok: true, key });
    expect(extractApiKey({ 'X-Api-Key': `  ${key}\t` })).toEqual({ ok: true, key });
    expect(extractApiKey({ 'x-api-key': [key] })).toEqual({ ok: true, key });
    expect(extractApiKey(new Headers({ 'X-API-KEY': key }))).toEqual({ ok: true, key });
  });

  it('reads the header it is told to', () => {
    const key = generateApiKey();
    expect(extractApiKey({ authorization: key }, 'Authorization')).toEqual({ ok: true, key });
    const result = extractApiKey({ 'x-api-key': key }, 'authorization');
    expect(result.ok).toBe(false);
  });

  it('is missing_api_key (401) with no header or an empty one', () => {
    for (const headers of [{}, { 'x-api-key': '' }, { 'x-api-key': undefined }, null, undefined, new Headers()]) {
      const result = extractApiKey(headers);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe('missing_api_key');
        expect(result.error.status).toBe(401);
      }
    }
  });

  it('is invalid_api_key (401) with more than one value, and names neither', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), fc.stringMatching(/^[0-9a-f]{64}$/), (a, b) => {
        const result = extractApiKey({ 'x-api-key': [a, b] });
        expect(result.ok).toBe(false);
        if (!result.ok) {
          expect(result.error.code).toBe('invalid_api_key');
          expect(result.error.status).toBe(401);
          expect(result.error.message).not.toContain(a);
          expect(JSON.stringify(result.error)).not.toContain(b);
        }
      }),
    );
  });

  it('reads a comma-joined value (how Node and Web Headers join a repeated header) as more than one key', () => {
    const [a, b] = [generateApiKey(), generateApiKey()];
    for (const headers of [
      { 'x-api-key': `${a}, ${b}` },
      new Headers([
        ['x-api-key', a],
        ['x-api-key', b],
      ]),
    ]) {
      const result = extractApiKey(headers);
      expect(!result.ok && result.error.message).toBe('More than one API key was sent');
      expect(!result.ok && result.error.code).toBe('invalid_api_key');
    }
  });

  it('hands back any single non-blank value without a comma, unchanged but for trimming; the format is checked later', () => {
    fc.assert(
      fc.property(
        nonBlank.filter((v) => !v.includes(',')),
        (value) => {
          expect(extractApiKey({ 'x-api-key': value })).toEqual({ ok: true, key: value.trim() });
        },
      ),
    );
  });

  it('copes with a 10 MB value', () => {
    const big = 'a'.repeat(10 * 1024 * 1024);
    const result = extractApiKey({ 'x-api-key': big });
    expect(result.ok && result.key.length).toBe(big.length);
  });
});

describe('bearerKey and extractApiKey with an extractor', () => {
  const key = generateApiKey();
  const code = (result: ReturnType<typeof extractApiKey>) => (result.ok ? result.key : result.error.code);

  it('takes the key of Authorization: Bearer, the scheme in any case, surrounding space trimmed', () => {
    expect(bearerKey({ authorization: `Bearer ${key}` })).toBe(key);
    expect(bearerKey({ Authorization: `bearer   ${key}` })).toBe(key);
    expect(code(extractApiKey({ authorization: `BEARER ${key} ` }, bearerKey))).toBe(key);
    expect(bearerKey(new Headers({ authorization: `Bearer ${key}` }))).toBe(key);
  });

  it('counts another scheme, a bare value or no header as no key', () => {
    for (const headers of [
      {},
      { authorization: `Basic ${key}` },
      { authorization: key },
      { authorization: 'Bearer' },
    ]) {
      expect(code(extractApiKey(headers, bearerKey))).toBe('missing_api_key');
    }
    expect(code(extractApiKey({ authorization: 'Bearer    ' }, bearerKey))).toBe('missing_api_key');
    // The x-api-key header is not where an extractor looks.
    expect(code(extractApiKey({ 'x-api-key': key }, bearerKey))).toBe('missing_api_key');
  });

  it('refuses two keys, in two headers or joined by a comma', () => {
    for (const headers of [
      { authorization: [`Bearer ${key}`, `Bearer ${key}`] },
      { authorization: `Bearer ${key}`, Authorization: `Bearer ${key}` },
      { authorization: `Bearer ${key}, Bearer ${key}` },
    ]) {
      const result = extractApiKey(headers, bearerKey);
      expect(!result.ok && result.error.message).toBe('More than one API key was sent');
    }
  });

  it("applies the header rules to a custom extractor's answer, and lets its exception go up", () => {
    expect(code(extractApiKey({}, () => undefined))).toBe('missing_api_key');
    expect(code(extractApiKey({}, () => null))).toBe('missing_api_key');
    expect(code(extractApiKey({}, () => 42 as unknown as string))).toBe('invalid_api_key');
    expect(code(extractApiKey({}, () => ` ${key} `))).toBe(key);
    expect(() =>
      extractApiKey({}, () => {
        throw new Error('app bug');
      }),
    ).toThrow('app bug');
  });
});

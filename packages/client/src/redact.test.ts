import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REDACTED, redact, redactError, redactHeaders, redactUntrusted } from './redact.js';

const hexKey = fc.stringMatching(/^[0-9a-f]{64}$/);

describe('redact', () => {
  it('replaces every occurrence of the secret', () => {
    fc.assert(
      fc.property(hexKey, fc.string(), fc.string(), (key, a, b) => {
        const out = redact(`${a}${key}${b}${key}`, [key]);
        expect(out).not.toContain(key);
      }),
    );
  });

  it('ignores empty and missing secrets', () => {
    expect(redact('abc', ['', undefined])).toBe('abc');
  });
});

describe('redactUntrusted', () => {
  it('also hides anything shaped like a key', () => {
    fc.assert(
      fc.property(hexKey, (other) => {
        expect(redactUntrusted(`echo ${other}!`, [])).toBe(`echo ${REDACTED}!`);
      }),
    );
  });

  it('hides anything shaped like a session token or a webhook secret, and a shortened one too', () => {
    const token = fc.stringMatching(/^kws_[A-Za-z0-9_-]{43}$/);
    const secret = fc
      .uint8Array({ minLength: 24, maxLength: 64 })
      .map((bytes) => `wh${bytes[0]! % 2 ? 'sec' : 'sk'}_${Buffer.from(bytes).toString('base64')}`);
    fc.assert(
      fc.property(token, secret, fc.integer({ min: 20, max: 47 }), (t, s, cut) => {
        expect(redactUntrusted(`echo ${t} and ${s}!`, [])).toBe(`echo ${REDACTED} and ${REDACTED}!`);
        expect(redactUntrusted(`echo "${t.slice(0, cut)}"`, [])).toBe(`echo "${REDACTED}"`);
      }),
    );
  });

  it('leaves the prefixes alone when no secret follows them', () => {
    expect(redactUntrusted('use a kws_ token or a whsec_ secret', [])).toBe('use a kws_ token or a whsec_ secret');
  });
});

describe('redactHeaders', () => {
  it('masks the named headers whatever their case, and leaves the input alone', () => {
    const headers = { 'X-API-Key': 'secret', accept: 'application/json' };
    expect(redactHeaders(headers, ['x-api-key'])).toEqual({ 'X-API-Key': REDACTED, accept: 'application/json' });
    expect(headers['X-API-Key']).toBe('secret');
  });
});

describe('redactError', () => {
  it('copies name, code, message and causes with the secret removed', () => {
    fc.assert(
      fc.property(hexKey, (key) => {
        const inner = new Error(`inner ${key}`);
        const outer = Object.assign(new TypeError(`outer ${key}`, { cause: inner }), { code: 'E_X' });
        const copy = redactError(outer, [key]) as Error & { code: string; cause: Error };
        expect(copy.name).toBe('TypeError');
        expect(copy.code).toBe('E_X');
        expect(copy.message).toBe(`outer ${REDACTED}`);
        expect(copy.cause.message).toBe(`inner ${REDACTED}`);
        expect(copy.stack).not.toContain(key);
        expect(outer.message).toContain(key);
      }),
    );
  });

  it('describes non-errors instead of keeping them', () => {
    expect(redactError({ apiKey: 'x' }, [])).toBe('[object]');
    expect(redactError(undefined, [])).toBeUndefined();
  });
});

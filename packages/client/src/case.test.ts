import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { camelCaseKey, snakeCaseKey, toCamelCase, toSnakeCase } from './case.js';

describe('camelCaseKey / snakeCaseKey', () => {
  it.each([
    ['key_id', 'keyId'],
    ['grace_period_seconds', 'gracePeriodSeconds'],
    ['api_key', 'apiKey'],
    ['name', 'name'],
    ['_private', '_private'],
  ])('%s ↔ %s', (snake, camel) => {
    expect(camelCaseKey(snake)).toBe(camel);
    expect(snakeCaseKey(camel)).toBe(snake);
  });

  it('leaves a snake_case key unchanged when snake-casing', () => {
    expect(snakeCaseKey('expires_at')).toBe('expires_at');
  });

  it('round-trips every lower snake_case identifier', () => {
    const word = fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/);
    fc.assert(
      fc.property(fc.array(word, { minLength: 1, maxLength: 5 }), (words) => {
        const snake = words.join('_');
        expect(snakeCaseKey(camelCaseKey(snake))).toBe(snake);
      }),
    );
  });
});

describe('toCamelCase / toSnakeCase', () => {
  it('renames keys deeply, inside arrays too, and never touches values', () => {
    const wire = {
      items: [{ key_id: 'k', scopes: ['keys:read', 'snake_value'], expires_at: null }],
      pagination: { total: 1 },
    };
    expect(toCamelCase(wire)).toEqual({
      items: [{ keyId: 'k', scopes: ['keys:read', 'snake_value'], expiresAt: null }],
      pagination: { total: 1 },
    });
    expect(toSnakeCase({ gracePeriodSeconds: 5, nested: { customerId: 'c_1' } })).toEqual({
      grace_period_seconds: 5,
      nested: { customer_id: 'c_1' },
    });
  });

  it('does not copy a Date into a plain object', () => {
    const at = new Date('2030-01-01T00:00:00.000Z');
    expect(JSON.stringify(toSnakeCase({ expiresAt: at }))).toBe('{"expires_at":"2030-01-01T00:00:00.000Z"}');
  });

  it('keeps a "__proto__" key from the wire as data, not as a prototype', () => {
    const out = toCamelCase<Record<string, unknown>>(JSON.parse('{"__proto__":{"polluted":true}}'));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual(['__proto__']);
  });

  it('maps any parsed JSON without throwing and keeps its shape', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const out = toCamelCase(value);
        expect(Array.isArray(out)).toBe(Array.isArray(value));
        expect(typeof out).toBe(typeof value);
      }),
    );
  });
});

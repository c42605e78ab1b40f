import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { formatIssue } from './describe-issue.js';
import {
  arrayOf,
  boolean,
  integer,
  isoDateTime,
  looseObject,
  nullable,
  nullish,
  optional,
  strictObject,
  text,
  validDate,
} from './input-schema.js';
import { FIELD_RULES } from './key-store-input.js';

const issueOf = (result: { error?: { issues: unknown[] } }) =>
  formatIssue(result.error?.issues[0] as Parameters<typeof formatIssue>[0]);

// Strings that reach every branch of the rules: ASCII, spaces, controls, bidirectional marks,
// astral characters and lone surrogates, short and over the limits.
const awkwardText = fc.oneof(
  fc.string({ maxLength: 300, unit: 'binary' }),
  fc.string({ maxLength: 300, unit: fc.constantFrom('a', ' ', '\u0000', '\u202e', '\ud800', '\udc00', '🔑', 'é') }),
  fc.string({ minLength: 95, maxLength: 130, unit: fc.constantFrom('a', 'b', ':') }),
  fc.anything(),
);

describe('the field rules agree with zod built from the same FIELD_RULES (as the reference server builds them)', () => {
  const { identifier, scope, keyName } = FIELD_RULES;
  const pairs = [
    [
      'identifier',
      text(identifier),
      z.string().min(identifier.minLength).max(identifier.maxLength).regex(identifier.pattern),
    ],
    ['scope', text(scope), z.string().min(scope.minLength).max(scope.maxLength).regex(scope.pattern)],
    [
      'key name',
      text({ ...keyName, trim: true }),
      z
        .string()
        .trim()
        .min(keyName.minLength)
        .max(keyName.maxLength)
        .refine((name) => !keyName.forbidden.test(name)),
    ],
  ] as const;
  for (const [name, ours, theirs] of pairs) {
    it(`${name}: accepts and refuses the same values, and gives the same result`, () => {
      fc.assert(
        fc.property(awkwardText, (value) => {
          const a = ours.safeParse(value);
          const b = theirs.safeParse(value);
          expect(a.success).toBe(b.success);
          if (a.success) expect(a.data).toBe(b.data);
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('isoDateTime: the timestamps z.iso.datetime({ offset: true }) takes, and no others', () => {
    const theirs = z.iso.datetime({ offset: true });
    const stamps = fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      fc
        .tuple(
          fc.integer({ min: 0, max: 9999 }),
          fc.integer({ min: 0, max: 13 }),
          fc.integer({ min: 0, max: 32 }),
          fc.constantFrom('T00:00:00', 'T23:59:59.5', 'T24:00:00', 'T12:00', ' 12:00:00'),
          fc.constantFrom('Z', '+02:00', '-11:30', '+24:00', '', 'z', '+0200'),
        )
        .map(
          ([y, m, d, time, zone]) =>
            `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}${time}${zone}`,
        ),
      fc.string(),
    );
    fc.assert(
      fc.property(stamps, (value) => {
        expect(isoDateTime.safeParse(value).success).toBe(theirs.safeParse(value).success);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('objects', () => {
  const schema = strictObject({ id: text({ minLength: 1, maxLength: 5 }), note: optional(text(FIELD_RULES.scope)) });

  it('says required for a missing field and names an unknown one, never quoting a value', () => {
    const key = 'ab'.repeat(32);
    expect(issueOf(schema.safeParse({}))).toBe('id: required');
    expect(issueOf(schema.safeParse({ id: 'x', extra: key }))).toBe('extra: unknown field');
    for (const value of [{ id: key }, { id: 7 }, { id: 'x', note: key.replace('a', ' ') }]) {
      const message = issueOf(schema.safeParse(value));
      expect(message).toMatch(/^(id|note): /);
      expect(message).not.toContain(key.slice(0, 8));
    }
  });

  it('leaves out absent fields, and the loose kind leaves out fields it does not know', () => {
    expect(schema.parse({ id: 'x', note: undefined })).toEqual({ id: 'x' });
    expect(Object.keys(schema.parse({ id: 'x', note: undefined }))).toEqual(['id']);
    expect(looseObject({ id: text({ minLength: 1, maxLength: 5 }) }).parse({ id: 'x', more: 1 })).toEqual({ id: 'x' });
  });

  it('refuses what is not an object, and names nested fields by their path', () => {
    for (const value of [null, undefined, [], 'x', 1])
      expect(issueOf(schema.safeParse(value))).toMatch(/^input: expected object/);
    const list = strictObject({ scopes: arrayOf(text(FIELD_RULES.scope), 2) });
    expect(issueOf(list.safeParse({ scopes: ['a', ''] }))).toBe('scopes.1: must be at least 1 character');
    expect(issueOf(list.safeParse({ scopes: ['a', 'b', 'c'] }))).toBe('scopes: must have at most 2 items');
    expect(() => list.parse({ scopes: 'a' })).toThrow(new TypeError('scopes: expected array'));
  });
});

describe('values', () => {
  it('integer: safe integers within the bounds, and the default only for a missing value', () => {
    const limit = integer(1, 100, 50);
    expect(limit.parse(undefined)).toBe(50);
    expect(limit.parse(100)).toBe(100);
    for (const bad of [null, 0, 101, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '5', 2 ** 53]) {
      expect(limit.safeParse(bad).success).toBe(false);
    }
    expect(integer(0, 10).safeParse(undefined).success).toBe(false);
  });

  it('validDate: a Date holding a time, nothing else', () => {
    expect(validDate.parse(new Date(0))).toEqual(new Date(0));
    for (const bad of [new Date('nonsense'), '2030-01-01', 0, null])
      expect(validDate.safeParse(bad).success).toBe(false);
  });

  it('boolean, nullable and nullish', () => {
    expect(boolean.safeParse('true').success).toBe(false);
    expect(nullable(boolean).parse(null)).toBeNull();
    expect(nullable(boolean).safeParse(undefined).success).toBe(false);
    expect(nullish(boolean).parse(undefined)).toBeUndefined();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeKeyListCursor, encodeKeyListCursor, isAfterKeyListPosition } from './key-list-cursor.js';

describe('key list cursors', () => {
  it('decode to the position they were made from', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date(0), max: new Date('2200-01-01'), noInvalidDate: true }),
        fc.string({ minLength: 1, maxLength: 100 }),
        (createdAt, id) => {
          expect(decodeKeyListCursor(encodeKeyListCursor({ createdAt, id }))).toEqual({ createdAt, id });
        },
      ),
    );
  });

  it('refuse anything else without throwing', () => {
    const good = encodeKeyListCursor({ createdAt: new Date(1_000), id: 'key_1' });
    for (const bad of [
      '',
      'x',
      `${good}x`,
      `${good}=`,
      good.slice(1),
      'W10',
      'WyJhIiwiYiJd',
      42,
      null,
      'a'.repeat(600),
    ]) {
      expect(decodeKeyListCursor(bad)).toBeNull();
    }
    fc.assert(
      fc.property(fc.string(), (text) => {
        expect(() => decodeKeyListCursor(text)).not.toThrow();
      }),
    );
  });

  it('order newest first, ties by id descending', () => {
    const at = (ms: number, id: string) => ({ createdAt: new Date(ms), id });
    expect(isAfterKeyListPosition(at(1, 'b'), at(2, 'a'))).toBe(true);
    expect(isAfterKeyListPosition(at(2, 'a'), at(2, 'b'))).toBe(true);
    expect(isAfterKeyListPosition(at(2, 'b'), at(2, 'b'))).toBe(false);
    expect(isAfterKeyListPosition(at(3, 'a'), at(2, 'b'))).toBe(false);
  });
});

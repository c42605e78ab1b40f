import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toDisplayId } from './display-id.js';
import { generateApiKey } from './generate-api-key.js';

describe('toDisplayId', () => {
  it('shows the first 6 and last 2 characters of the key', () => {
    const key = `3f9a2b${'0'.repeat(56)}1e`;
    expect(toDisplayId(key)).toBe('3f9a2b***1e');
  });

  it('never shows more than 8 characters of any key', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9a-f]{64}$/), (key) => {
        const shown = toDisplayId(key).replace('***', '');
        expect(shown).toHaveLength(8);
        expect(key.startsWith(shown.slice(0, 6)) && key.endsWith(shown.slice(6))).toBe(true);
      }),
    );
    expect(toDisplayId(generateApiKey())).toMatch(/^[0-9a-f]{6}\*\*\*[0-9a-f]{2}$/);
  });

  it('refuses values too short to hide anything, and non-strings', () => {
    for (const value of ['', 'abc', 'a'.repeat(15), undefined, null, 42]) {
      expect(() => toDisplayId(value as string)).toThrow(TypeError);
    }
  });
});

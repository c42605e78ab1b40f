import { describe, expect, it } from 'vitest';
import { printable } from './io.js';

describe('printable', () => {
  it('shows control characters and bidirectional overrides as escapes, so a name cannot drive the terminal', () => {
    expect(printable('ci\u001b[2Jgone')).toBe('ci\\u{1b}[2Jgone');
    expect(printable('two\r\nlines')).toBe('two\\u{d}\\u{a}lines');
    expect(printable('evil\u202etxt.exe')).toBe('evil\\u{202e}txt.exe');
    expect(printable('del\u007f c1\u0085')).toBe('del\\u{7f} c1\\u{85}');
  });

  it('leaves every ordinary name alone, in any script', () => {
    for (const name of ['ci', 'clé 🔑', 'מפתח ci', 'مفتاح', 'family 👨‍👩‍👧']) expect(printable(name)).toBe(name);
  });
});

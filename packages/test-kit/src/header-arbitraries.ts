// Header values as any client may send them, for the property tests of every table.
import fc from 'fast-check';

// Every byte Node's HTTP client accepts in a header value: HTAB, visible ASCII, space, obs-text.
const headerChar = fc
  .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09))
  .map((code) => String.fromCharCode(code));

/** Any header value up to 120 characters. */
export const headerText = fc.string({ unit: headerChar, maxLength: 120 });

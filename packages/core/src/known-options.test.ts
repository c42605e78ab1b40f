import { describe, expect, it } from 'vitest';
import { assertKnownOptions } from './known-options.js';

describe('assertKnownOptions', () => {
  const known = ['store', 'scopes', 'header', 'optional'];

  it('accepts known names, absent ones included', () => {
    expect(() => assertKnownOptions({ store: 1, scopes: [] }, known, 'x')).not.toThrow();
    expect(() => assertKnownOptions({}, known, 'x')).not.toThrow();
  });

  it('refuses a typo, naming it and the option meant', () => {
    expect(() => assertKnownOptions({ store: 1, scope: ['admin'] }, known, '@keyward/express')).toThrow(
      '@keyward/express: options.scope is not an option (did you mean options.scopes?)',
    );
    expect(() => assertKnownOptions({ Header: 'x' }, known, 'c')).toThrow(/did you mean options\.header\?/);
  });

  it('lists the known names when nothing is close, and never quotes the value', () => {
    const key = 'ab'.repeat(32);
    let message = '';
    try {
      assertKnownOptions({ apiKeySecretValue: key }, known, 'c');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toBe('c: options.apiKeySecretValue is not an option; known: store, scopes, header, optional');
    expect(message).not.toContain(key);
  });
});

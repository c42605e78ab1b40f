import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkScopes, hasScopes } from './check-scopes.js';

const scope = fc.stringMatching(/^[a-z]{1,6}:[a-z]{1,6}$/);

describe('hasScopes', () => {
  it('is true when every required scope is granted', () => {
    expect(hasScopes(['keys:read', 'keys:write'], ['keys:read'])).toBe(true);
    expect(hasScopes(['keys:read'], [])).toBe(true);
    expect(hasScopes([], [])).toBe(true);
    expect(hasScopes(['keys:read'], ['keys:write'])).toBe(false);
    expect(hasScopes([], ['keys:read'])).toBe(false);
  });

  it('* grants every scope; a required * needs a granted *', () => {
    fc.assert(fc.property(fc.array(scope), (required) => hasScopes(['*'], required)));
    expect(hasScopes(['keys:read', 'keys:write'], ['*'])).toBe(false);
    expect(hasScopes(['*'], ['*'])).toBe(true);
  });

  it('matches exactly: no prefixes, no case folding', () => {
    expect(hasScopes(['keys'], ['keys:read'])).toBe(false);
    expect(hasScopes(['keys:*'], ['keys:read'])).toBe(false);
    expect(hasScopes(['Keys:Read'], ['keys:read'])).toBe(false);
  });

  it('agrees with set inclusion for scopes without *', () => {
    fc.assert(
      fc.property(fc.array(scope), fc.array(scope), (granted, required) => {
        return hasScopes(granted, required) === required.every((s) => granted.includes(s));
      }),
    );
  });
});

describe('checkScopes', () => {
  it('is 401 missing_api_key without a context, whatever is required', () => {
    for (const context of [null, undefined]) {
      for (const required of [[], ['keys:read']]) {
        const result = checkScopes(context, required);
        expect(!result.ok && result.error.code).toBe('missing_api_key');
        expect(!result.ok && result.error.status).toBe(401);
      }
    }
  });

  it('is ok when the context holds the required scopes', () => {
    expect(checkScopes({ scopes: ['keys:read'] }, ['keys:read'])).toEqual({ ok: true });
    expect(checkScopes({ scopes: [] }, [])).toEqual({ ok: true });
  });

  it('is 403 insufficient_scope naming the missing scopes, otherwise', () => {
    const result = checkScopes({ scopes: ['keys:read'] }, ['keys:read', 'keys:write', 'admin']);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('insufficient_scope');
      expect(result.error.status).toBe(403);
      expect(result.error.message).toBe('API key lacks the scope: keys:write, admin');
      expect(result.error.message).not.toContain('keys:read');
    }
  });
});

import { type ApiKeyContext, ApiKeyError } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import { getApiKey } from './index.js';

const context: ApiKeyContext = { keyId: 'k', tenantId: 't', environmentId: 'e', userId: null, scopes: [], name: 'n' };

describe('getApiKey (koa)', () => {
  it('returns the context in ctx.state', () => {
    expect(getApiKey({ state: { apiKey: context } })).toBe(context);
  });

  it('throws missing_api_key (401) when there is none', () => {
    expect(() => getApiKey({ state: {} })).toThrow(ApiKeyError);
    expect(() => getApiKey({ state: {} })).toThrow(expect.objectContaining({ code: 'missing_api_key', status: 401 }));
  });
});

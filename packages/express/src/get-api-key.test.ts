import { type ApiKeyContext, ApiKeyError } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import { getApiKey } from './index.js';

const context: ApiKeyContext = { keyId: 'k', tenantId: 't', environmentId: 'e', userId: null, scopes: [], name: 'n' };

describe('getApiKey', () => {
  it('returns the attached context', () => {
    expect(getApiKey({ apiKey: context })).toBe(context);
  });

  it('throws missing_api_key (401) when there is none', () => {
    let thrown: unknown;
    try {
      getApiKey({});
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ApiKeyError);
    expect(thrown).toMatchObject({ code: 'missing_api_key', status: 401 });
  });
});

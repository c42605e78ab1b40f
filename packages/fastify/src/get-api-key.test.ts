import { type ApiKeyContext, ApiKeyError } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import { getApiKey } from './index.js';

const context: ApiKeyContext = { keyId: 'k', tenantId: 't', environmentId: 'e', userId: null, scopes: [], name: 'n' };

describe('getApiKey (fastify)', () => {
  it('returns the context the plugin set', () => {
    expect(getApiKey({ apiKey: context })).toBe(context);
  });

  it('throws missing_api_key (401) for null, as on an opted-out route', () => {
    expect(() => getApiKey({ apiKey: null })).toThrow(ApiKeyError);
    expect(() => getApiKey({ apiKey: null })).toThrow(
      expect.objectContaining({ code: 'missing_api_key', status: 401 }),
    );
  });
});

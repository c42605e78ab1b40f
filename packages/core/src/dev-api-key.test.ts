import { describe, expect, it } from 'vitest';
import { isApiKeyFormat } from './api-key-format.js';
import {
  DEV_API_KEY,
  DEV_ENVIRONMENT_ID,
  DEV_TENANT_ID,
  DEV_USER_ID,
  isDevelopmentEnv,
  isDevKeyAllowed,
} from './dev-api-key.js';
import { identifierSchema } from './key-store-input.js';

describe('DEV_API_KEY', () => {
  it('is a fixed key in the key format', () => {
    expect(isApiKeyFormat(DEV_API_KEY)).toBe(true);
    // Fixed and documented: a change would break every README and client that uses it.
    expect(DEV_API_KEY).toBe('6b657977617264206465762d6b6579206e6f742d666f722d70726f64756374f1');
  });

  it('comes with valid development tenant, environment and user ids', () => {
    for (const id of [DEV_TENANT_ID, DEV_ENVIRONMENT_ID, DEV_USER_ID]) {
      expect(identifierSchema.safeParse(id).success).toBe(true);
    }
    expect(new Set([DEV_TENANT_ID, DEV_ENVIRONMENT_ID, DEV_USER_ID]).size).toBe(3);
  });
});

describe('isDevKeyAllowed', () => {
  it('is true only for development values of NODE_ENV', () => {
    expect(isDevKeyAllowed({ NODE_ENV: 'production' })).toBe(false);
    expect(isDevKeyAllowed({ NODE_ENV: 'development' })).toBe(true);
    expect(isDevKeyAllowed({ NODE_ENV: 'test' })).toBe(true);
    expect(isDevKeyAllowed({})).toBe(true);
    expect(isDevKeyAllowed({ NODE_ENV: '' })).toBe(true);
    expect(isDevKeyAllowed({ NODE_ENV: ' Development ' })).toBe(true);
  });

  it('counts every other spelling as production: a typo never leaves the public key on', () => {
    for (const NODE_ENV of [
      'Production',
      'PRODUCTION',
      'prod',
      'production ',
      'staging',
      'prd',
      'live',
      'developmnt',
    ]) {
      expect(isDevKeyAllowed({ NODE_ENV })).toBe(false);
      expect(isDevelopmentEnv({ NODE_ENV })).toBe(false);
    }
  });

  it('reads process.env by default', () => {
    const before = process.env.NODE_ENV;
    try {
      process.env.NODE_ENV = 'production';
      expect(isDevKeyAllowed()).toBe(false);
      process.env.NODE_ENV = 'development';
      expect(isDevKeyAllowed()).toBe(true);
    } finally {
      process.env.NODE_ENV = before;
    }
  });
});

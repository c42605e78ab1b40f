import { describe, expect, it } from 'vitest';
import * as core from './index.js';

describe('the public surface', () => {
  it('exports exactly these values (adapters, client and stores code against them)', () => {
    expect(Object.keys(core).sort()).toEqual(
      [
        'API_KEY_LENGTH',
        'API_KEY_PATTERN',
        'ApiKeyError',
        'DEFAULT_FAILURE_LIMIT',
        'DEV_API_KEY',
        'DEV_ENVIRONMENT_ID',
        'DEV_TENANT_ID',
        'DEV_USER_ID',
        'ERROR_CODES',
        'MemoryKeyStore',
        'chainKeyStores',
        'checkScopes',
        'createApiKeyGuard',
        'createAuthenticator',
        'createDevApiKeyRecord',
        'createFailureLimiter',
        'createVerificationCache',
        'extractApiKey',
        'generateApiKey',
        'generateKeyId',
        'hasScopes',
        'hashApiKey',
        'identifierSchema',
        'isApiKeyError',
        'isApiKeyFormat',
        'isDevKeyAllowed',
        'isErrorCode',
        'isHeaderName',
        'keyNameSchema',
        'parseCreateApiKeyInput',
        'parseKeyConfig',
        'parseKeyScope',
        'parseListOptions',
        'parseRotateOptions',
        'parseUpdateApiKeyInput',
        'prepareApiKey',
        'readHeader',
        'scopeSchema',
        'toApiKeyRecord',
        'toDisplayId',
        'toErrorResponse',
        'validateAuthenticatorOptions',
        'validateScopes',
      ].sort(),
    );
  });
});

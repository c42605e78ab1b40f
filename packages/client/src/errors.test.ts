import { describe, expect, it } from 'vitest';
import { CLIENT_ERROR_CODES, isKeywardError, isKnownErrorCode, KeywardError } from './errors.js';

describe('KeywardError', () => {
  it('carries code, status, requestId, request and cause', () => {
    const cause = new Error('below');
    const err = new KeywardError('not_found', 'Not found', {
      status: 404,
      requestId: 'req_1',
      request: { method: 'GET', url: 'http://h/x' },
      cause,
    });
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('KeywardError');
    expect(err.code).toBe('not_found');
    expect(err.status).toBe(404);
    expect(err.requestId).toBe('req_1');
    expect(err.request).toEqual({ method: 'GET', url: 'http://h/x' });
    expect(err.cause).toBe(cause);
  });

  it('has status 0 when there was no response', () => {
    expect(new KeywardError('network_error', 'down').status).toBe(0);
  });

  it('serialises to a plain object with the cause reduced to its message', () => {
    const err = new KeywardError('timeout', 'slow', { cause: new Error('below') });
    expect(JSON.parse(JSON.stringify(err))).toEqual({
      name: 'KeywardError',
      code: 'timeout',
      status: 0,
      message: 'slow',
      cause: 'below',
    });
  });
});

describe('isKeywardError', () => {
  it('recognises instances and look-alikes from another copy of the package', () => {
    expect(isKeywardError(new KeywardError('timeout', 'x'))).toBe(true);
    expect(isKeywardError({ name: 'KeywardError', code: 'timeout', status: 0 })).toBe(true);
  });

  it.each([
    null,
    undefined,
    'KeywardError',
    new Error('x'),
    { name: 'KeywardError', code: 1, status: 0 },
    { name: 'KeywardError', code: 'x' },
    { name: 'ApiKeyError', code: 'x', status: 401 },
  ])('refuses %j', (value) => {
    expect(isKeywardError(value)).toBe(false);
  });
});

describe('isKnownErrorCode', () => {
  it('knows the server codes and the client codes', () => {
    expect(isKnownErrorCode('invalid_api_key')).toBe(true);
    for (const code of Object.keys(CLIENT_ERROR_CODES)) expect(isKnownErrorCode(code)).toBe(true);
    expect(isKnownErrorCode('something_new')).toBe(false);
  });
});

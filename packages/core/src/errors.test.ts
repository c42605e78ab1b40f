import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ApiKeyError,
  ERROR_CODES,
  type ErrorCode,
  isApiKeyError,
  isErrorCode,
  refusal,
  toErrorResponse,
} from './errors.js';

// The documented error table (README.md) plus the API codes, so a change to ERROR_CODES
// that breaks the wire contract fails here.
const CONTRACT: Record<string, number> = {
  missing_api_key: 401,
  invalid_api_key: 401,
  inactive_api_key: 403,
  expired_api_key: 403,
  environment_mismatch: 403,
  insufficient_scope: 403,
  too_many_requests: 429,
  auth_unavailable: 503,
  missing_session_token: 401,
  invalid_session_token: 401,
  expired_session_token: 401,
  invalid_signature: 401,
  validation_error: 400,
  not_found: 404,
  conflict: 409,
  idempotency_key_reused: 422,
  payload_too_large: 413,
  internal_error: 500,
};

const codes = Object.keys(ERROR_CODES) as ErrorCode[];

describe('ERROR_CODES', () => {
  it('holds exactly the documented codes, each with its status', () => {
    expect(Object.fromEntries(codes.map((code) => [code, ERROR_CODES[code].status]))).toEqual(CONTRACT);
  });

  it('gives every code a non-empty message for people', () => {
    for (const code of codes) expect(ERROR_CODES[code].message).toMatch(/\S/);
  });
});

describe('ApiKeyError', () => {
  it.each(codes)('%s carries its status and message and serialises to the wire body', (code) => {
    const err = new ApiKeyError(code);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ApiKeyError');
    expect(err.code).toBe(code);
    expect(err.status).toBe(CONTRACT[code]);
    expect(err.message).toBe(ERROR_CODES[code].message);
    expect(err.toJSON()).toEqual({ error: { code, message: ERROR_CODES[code].message } });
    expect(JSON.parse(JSON.stringify(err))).toEqual({ error: { code, message: ERROR_CODES[code].message } });
  });

  it('takes a custom message and a cause, and keeps the cause off the wire', () => {
    const cause = new Error('connection refused to db.internal:5432');
    const err = new ApiKeyError('auth_unavailable', { message: 'Key store down', cause });
    expect(err.message).toBe('Key store down');
    expect(err.cause).toBe(cause);
    expect(JSON.stringify(err)).toBe('{"error":{"code":"auth_unavailable","message":"Key store down"}}');
    expect(JSON.stringify(err)).not.toContain('db.internal');
  });

  it('has no cause property unless given one', () => {
    expect('cause' in new ApiKeyError('invalid_api_key')).toBe(false);
  });

  it('carries retryAfterSeconds', () => {
    expect(new ApiKeyError('too_many_requests', { retryAfterSeconds: 12 }).retryAfterSeconds).toBe(12);
    expect(new ApiKeyError('too_many_requests').retryAfterSeconds).toBeUndefined();
  });

  it('refuses an unknown code, including inherited property names', () => {
    for (const code of ['nope', 'toString', 'constructor', '__proto__', '', undefined]) {
      expect(() => new ApiKeyError(code as ErrorCode)).toThrow(TypeError);
    }
    expect(() => new ApiKeyError('nope' as ErrorCode)).toThrow(/Unknown keyward error code: nope/);
  });
});

describe('isApiKeyError', () => {
  it('recognises instances and same-shaped errors from another copy of core', () => {
    expect(isApiKeyError(new ApiKeyError('not_found'))).toBe(true);
    const foreign = Object.assign(new Error('Invalid API key'), {
      name: 'ApiKeyError',
      code: 'invalid_api_key',
      status: 401,
    });
    expect(isApiKeyError(foreign)).toBe(true);
  });

  it('refuses anything else', () => {
    const values: unknown[] = [
      undefined,
      null,
      'ApiKeyError',
      new Error('x'),
      { name: 'ApiKeyError', code: 'invalid_api_key', status: 403 },
      { name: 'ApiKeyError', code: 'toString', status: undefined },
      { name: 'ApiKeyError', code: 'made_up', status: 401 },
      { name: 'OtherError', code: 'invalid_api_key', status: 401 },
    ];
    for (const value of values) expect(isApiKeyError(value)).toBe(false);
  });
});

describe('isErrorCode', () => {
  it('accepts every code and nothing else', () => {
    for (const code of codes) expect(isErrorCode(code)).toBe(true);
    for (const value of ['toString', 'hasOwnProperty', 'INVALID_API_KEY', '', 401, null, {}]) {
      expect(isErrorCode(value)).toBe(false);
    }
  });
});

describe('toErrorResponse', () => {
  it.each(codes)('renders %s with its status, JSON content type and the wire body', (code) => {
    const response = toErrorResponse(new ApiKeyError(code));
    expect(response.status).toBe(CONTRACT[code]);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body)).toEqual({ error: { code, message: ERROR_CODES[code].message } });
    expect(response.headers['retry-after']).toBeUndefined();
  });

  it('sends Retry-After in whole seconds, at least 1', () => {
    const headersFor = (seconds: number) =>
      toErrorResponse(new ApiKeyError('too_many_requests', { retryAfterSeconds: seconds })).headers;
    expect(headersFor(30)['retry-after']).toBe('30');
    expect(headersFor(2.1)['retry-after']).toBe('3');
    expect(headersFor(0)['retry-after']).toBe('1');
    expect(headersFor(Number.NaN)['retry-after']).toBeUndefined();
  });

  it('turns anything that is not an ApiKeyError into a bare internal_error, leaking nothing', () => {
    for (const err of [new Error('secret db password hunter2'), 'boom', null, undefined, { message: 'hunter2' }]) {
      const response = toErrorResponse(err);
      expect(response.status).toBe(500);
      expect(JSON.parse(response.body)).toEqual({
        error: { code: 'internal_error', message: 'Internal server error' },
      });
      expect(response.body).not.toContain('hunter2');
    }
  });

  it('renders a same-shaped error without a toJSON (another copy of core, or a plain object)', () => {
    const response = toErrorResponse({ name: 'ApiKeyError', code: 'inactive_api_key', status: 403 });
    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toEqual({ error: { code: 'inactive_api_key', message: 'API key is inactive' } });
  });

  it('never puts the cause on the wire', () => {
    const response = toErrorResponse(new ApiKeyError('auth_unavailable', { cause: new Error('hunter2') }));
    expect(response.body).not.toContain('hunter2');
    expect(inspect(JSON.parse(response.body))).not.toContain('hunter2');
  });
});

describe('refusal', () => {
  it('is an ApiKeyError like any other, without stack frames, and leaves the stack limit as it was', () => {
    const before = Error.stackTraceLimit;
    const error = refusal('invalid_api_key');
    expect(error).toBeInstanceOf(ApiKeyError);
    expect(isApiKeyError(error)).toBe(true);
    expect(error.toJSON()).toEqual(new ApiKeyError('invalid_api_key').toJSON());
    expect(error.stack).toBe('ApiKeyError: Invalid API key');
    expect(new ApiKeyError('invalid_api_key').stack?.split('\n').length).toBeGreaterThan(1);
    expect(Error.stackTraceLimit).toBe(before);
    expect(refusal('too_many_requests', { retryAfterSeconds: 7 }).retryAfterSeconds).toBe(7);
  });

  it('is one shared, frozen instance per code and message, so a flood of garbage allocates nothing', () => {
    expect(refusal('invalid_api_key')).toBe(refusal('invalid_api_key'));
    expect(Object.isFrozen(refusal('invalid_api_key'))).toBe(true);
    const many = refusal('invalid_api_key', { message: 'More than one API key was sent' });
    expect(many).toBe(refusal('invalid_api_key', { message: 'More than one API key was sent' }));
    expect(many).not.toBe(refusal('invalid_api_key'));
    expect(many.message).toBe('More than one API key was sent');
    // A Retry-After or a cause belongs to one request: never shared.
    expect(refusal('too_many_requests', { retryAfterSeconds: 7 })).not.toBe(
      refusal('too_many_requests', { retryAfterSeconds: 7 }),
    );
    expect(() => {
      (refusal('missing_api_key') as { message: string }).message = 'changed';
    }).toThrow(TypeError);
    expect(refusal('missing_api_key').message).toBe('Missing API key');
  });
});

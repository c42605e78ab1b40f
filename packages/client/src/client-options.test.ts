import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KEY } from '../test/helpers.js';
import { createClient } from './client.js';
import { MAX_RETRIES } from './client-options.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

function typeErrorOf(options: unknown): TypeError {
  try {
    createClient(options as never);
  } catch (err) {
    if (err instanceof TypeError) return err;
    throw err;
  }
  throw new Error('createClient accepted the options');
}

describe('createClient options', () => {
  it('defaults baseUrl to KEYWARD_BASE_URL, else http://127.0.0.1:3000', () => {
    vi.stubEnv('KEYWARD_BASE_URL', undefined);
    expect(createClient({ apiKey: KEY }).baseUrl).toBe('http://127.0.0.1:3000');
    vi.stubEnv('KEYWARD_BASE_URL', 'https://keys.example.com/');
    expect(createClient({ apiKey: KEY }).baseUrl).toBe('https://keys.example.com');
  });

  it('accepts a URL object and keeps a path prefix', () => {
    expect(createClient({ apiKey: KEY, baseUrl: new URL('http://h:8080/keyward/') }).baseUrl).toBe(
      'http://h:8080/keyward',
    );
  });

  it('does not throw when the key is missing: that fails at the first call', () => {
    vi.stubEnv('KEYWARD_API_KEY', undefined);
    expect(() => createClient()).not.toThrow();
  });

  const PREFIX = '@keyward/client: createClient:';

  it.each([
    ['not a url', 'must be an absolute http or https URL, such as http://127.0.0.1:3000'],
    ['ftp://h', 'must use http or https, got ftp:'],
    ['http://user:pw@h', 'must not contain credentials; the client sends the API key'],
    ['http://h/?x=1', 'must not have a query string or fragment'],
    ['http://h/#x', 'must not have a query string or fragment'],
  ])('refuses baseUrl %j', (baseUrl, message) => {
    expect(typeErrorOf({ apiKey: KEY, baseUrl }).message).toBe(`${PREFIX} options.baseUrl ${message}`);
  });

  it('names KEYWARD_BASE_URL when the bad base URL came from there', () => {
    vi.stubEnv('KEYWARD_BASE_URL', 'ftp://h');
    expect(typeErrorOf({ apiKey: KEY }).message).toBe(`${PREFIX} KEYWARD_BASE_URL must use http or https, got ftp:`);
  });

  it('names an unknown option (a typo must not fall back to the environment)', () => {
    expect(typeErrorOf({ apikey: KEY }).message).toBe(
      `${PREFIX} options.apikey is not an option (did you mean options.apiKey?)`,
    );
    expect(typeErrorOf({ apiKey: KEY, backoff: { delay: 1 } }).message).toBe(
      `${PREFIX} options.backoff.delay is not an option; known: baseDelayMs, maxDelayMs, maxRetryAfterMs, sleep, random, now`,
    );
  });

  it.each([
    [null, 'null'],
    ['key', 'a string'],
    [42, 'a number'],
    [[], 'an array'],
  ])('refuses options that are not an object (%j)', (options, kind) => {
    expect(typeErrorOf(options).message).toBe(`${PREFIX} options must be an object, got ${kind}`);
  });

  it('says what kind of value a bad option is', () => {
    expect(typeErrorOf({ apiKey: KEY, timeoutMs: '5' }).message).toBe(
      `${PREFIX} options.timeoutMs must be a finite number > 0, got a string`,
    );
    expect(typeErrorOf({ apiKey: KEY, backoff: { sleep: 5 } }).message).toBe(
      `${PREFIX} options.backoff.sleep must be a function, got a number`,
    );
  });

  it('never quotes the bad value (it might be a key in the wrong place)', () => {
    expect(typeErrorOf({ apiKey: KEY, userAgent: `${KEY}\n` }).message).not.toContain(KEY);
    expect(typeErrorOf({ apiKey: KEY, environmentId: `${KEY} ` }).message).not.toContain(KEY);
  });

  // For each option, anything outside its valid set is a TypeError that names the option, after
  // the package and the function.
  const cases: [string, (v: unknown) => boolean][] = [
    ['apiKey', (v) => v === undefined || typeof v === 'string' || typeof v === 'function'],
    ['baseUrl', () => false],
    ['environmentId', (v) => v === undefined || (typeof v === 'string' && /^[\x21-\x7e]+$/.test(v))],
    ['timeoutMs', (v) => v === undefined || (typeof v === 'number' && v > 0 && v <= 2_147_483_647)],
    [
      'maxResponseBytes',
      (v) =>
        v === undefined ||
        v === null ||
        (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 256 * 1024 * 1024),
    ],
    [
      'retries',
      (v) =>
        v === undefined || v === null || (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_RETRIES),
    ],
    ['dispatcher', (v) => v === undefined],
    [
      'userAgent',
      (v) =>
        v === undefined || v === null || (typeof v === 'string' && v !== '' && /^[\t\x20-\x7e\x80-\xff]*$/.test(v)),
    ],
    ['debug', (v) => v === undefined || typeof v === 'function'],
    [
      'backoff',
      (v) =>
        v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0),
    ],
  ];
  it.each(cases)('a bad %s is a TypeError naming it', (option, valid) => {
    fc.assert(
      fc.property(
        fc.anything().filter((v) => !valid(v) && !(option === 'baseUrl' && v == null)),
        (value) => {
          const { message } = typeErrorOf({ apiKey: KEY, [option]: value });
          expect(message).toContain(option);
          expect(message.startsWith(`${PREFIX} options.${option}`)).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});

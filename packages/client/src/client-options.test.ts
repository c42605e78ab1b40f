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

  it.each([
    ['not a url', /baseUrl/],
    ['ftp://h', /http or https/],
    ['http://user:pw@h', /credentials/],
    ['http://h/?x=1', /query/],
    ['http://h/#x', /fragment/],
  ])('refuses baseUrl %j', (baseUrl, message) => {
    expect(typeErrorOf({ apiKey: KEY, baseUrl }).message).toMatch(message);
  });

  it('names an unknown option (a typo must not fall back to the environment)', () => {
    expect(typeErrorOf({ apikey: KEY }).message).toMatch(/unknown option "apikey"/);
    expect(typeErrorOf({ apiKey: KEY, backoff: { delay: 1 } }).message).toMatch(/backoff\.delay/);
  });

  it('refuses options that are not an object', () => {
    for (const options of [null, 'key', 42, []]) expect(typeErrorOf(options).message).toMatch(/options/);
  });

  it('never quotes the bad value (it might be a key in the wrong place)', () => {
    expect(typeErrorOf({ apiKey: KEY, userAgent: `${KEY}\n` }).message).not.toContain(KEY);
    expect(typeErrorOf({ apiKey: KEY, environmentId: `${KEY} ` }).message).not.toContain(KEY);
  });

  // For each option, anything outside its valid set is a TypeError that names the option.
  const cases: [string, (v: unknown) => boolean][] = [
    ['apiKey', (v) => v === undefined || typeof v === 'string' || typeof v === 'function'],
    ['baseUrl', () => false],
    ['environmentId', (v) => v === undefined || (typeof v === 'string' && /^[\x21-\x7e]+$/.test(v))],
    ['timeoutMs', (v) => v === undefined || (typeof v === 'number' && v > 0 && v <= 2_147_483_647)],
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
          expect(typeErrorOf({ apiKey: KEY, [option]: value }).message).toContain(option);
        },
      ),
      { numRuns: 50 },
    );
  });
});

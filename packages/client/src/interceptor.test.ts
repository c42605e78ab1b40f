import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { KEY, ORIGIN } from '../test/helpers.js';
import { isKeywardError } from './errors.js';
import { apiKeyInterceptor, withHeader } from './interceptor.js';

let agent: MockAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

/** A MockAgent that records the headers of every request to `origin`. */
function recording(origin = ORIGIN) {
  const mock = new MockAgent();
  agent = mock;
  mock.disableNetConnect();
  const seen: Record<string, string | string[]>[] = [];
  mock
    .get(origin)
    .intercept({ path: '/x', method: 'GET' })
    .reply((opts) => {
      // Headers arrive as undici got them: here, a flat [name, value, ...] array.
      const flat = (opts.headers ?? []) as unknown as string[];
      const headers: Record<string, string | string[]> = {};
      for (let i = 0; i < flat.length; i += 2) {
        const name = flat[i]!.toLowerCase();
        const prev = headers[name];
        headers[name] = prev === undefined ? flat[i + 1]! : [prev, flat[i + 1]!].flat();
      }
      seen.push(headers);
      return { statusCode: 200, data: 'ok' };
    })
    .persist();
  return { seen, mock };
}

describe('apiKeyInterceptor', () => {
  it('adds X-API-Key to every request', async () => {
    const { seen, mock } = recording();
    const dispatcher = mock.compose(apiKeyInterceptor(KEY));
    await (
      await dispatcher.request({ origin: ORIGIN, path: '/x', method: 'GET', headers: { accept: 'text/plain' } })
    ).body.text();
    expect(seen[0]).toEqual({ accept: 'text/plain', 'x-api-key': KEY });
  });

  it('replaces a key header already there, whatever its case and however the headers are given', async () => {
    const { seen, mock } = recording();
    const dispatcher = mock.compose(apiKeyInterceptor(KEY));
    const other = 'f'.repeat(64);
    for (const headers of [
      { 'X-API-KEY': other },
      ['x-api-key', other, 'a', 'b'],
      [['X-Api-Key', other]] as [string, string][],
    ]) {
      await (await dispatcher.request({ origin: ORIGIN, path: '/x', method: 'GET', headers })).body.text();
    }
    expect(seen.map((h) => h['x-api-key'])).toEqual([KEY, KEY, KEY]);
    expect(seen[1]!.a).toBe('b');
  });

  it('with origin set, adds the key only for that origin', async () => {
    const { seen, mock } = recording('http://other.example');
    const dispatcher = mock.compose(apiKeyInterceptor(KEY, { origin: ORIGIN }));
    await (await dispatcher.request({ origin: 'http://other.example', path: '/x', method: 'GET' })).body.text();
    expect(seen[0]).not.toHaveProperty('x-api-key');
  });

  it('uses a custom header name', async () => {
    const { seen, mock } = recording();
    const dispatcher = mock.compose(apiKeyInterceptor(KEY, { header: 'Authorization-Key' }));
    await (await dispatcher.request({ origin: ORIGIN, path: '/x', method: 'GET' })).body.text();
    expect(seen[0]).toEqual({ 'authorization-key': KEY });
  });

  it('asks a provider function on every request', async () => {
    const { seen, mock } = recording();
    const keys = ['1'.repeat(64), '2'.repeat(64)];
    let i = 0;
    const dispatcher = mock.compose(apiKeyInterceptor(() => keys[i++]!));
    for (let n = 0; n < 2; n++) {
      await (await dispatcher.request({ origin: ORIGIN, path: '/x', method: 'GET' })).body.text();
    }
    expect(seen.map((h) => h['x-api-key'])).toEqual(keys);
  });

  it('a provider that gives a malformed key fails the request without sending it', async () => {
    const { seen, mock } = recording();
    const dispatcher = mock.compose(apiKeyInterceptor(() => 'not-a-key'));
    const err = await dispatcher.request({ origin: ORIGIN, path: '/x', method: 'GET' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isKeywardError(err) && err.code).toBe('invalid_api_key');
    expect(seen).toHaveLength(0);
  });

  it('refuses a malformed or empty static key at setup, without quoting it', () => {
    const attempt = (key: string) => {
      try {
        apiKeyInterceptor(key);
      } catch (err) {
        return err;
      }
      return undefined;
    };
    const bad = attempt('A'.repeat(64));
    expect(isKeywardError(bad) && bad.code).toBe('invalid_api_key');
    expect(String((bad as Error).message)).not.toContain('A'.repeat(64));
    const empty = attempt('');
    expect(isKeywardError(empty) && empty.code).toBe('missing_api_key');
  });

  it('refuses bad options with a TypeError that names the package, the function and the option', () => {
    const prefix = '@keyward/client: apiKeyInterceptor:';
    expect(() => apiKeyInterceptor(42 as unknown as string)).toThrow(
      new TypeError(`${prefix} apiKey must be a string or a function returning one`),
    );
    expect(() => apiKeyInterceptor(KEY, { origin: 'not a url' })).toThrow(
      new TypeError(`${prefix} options.origin must be an absolute URL`),
    );
    expect(() => apiKeyInterceptor(KEY, { header: 'bad header' })).toThrow(
      new TypeError(`${prefix} options.header must be an HTTP header name`),
    );
  });

  it('refuses an unknown option: a misspelt origin must not send the key to every host', () => {
    expect(() => apiKeyInterceptor(KEY, { orgin: ORIGIN } as never)).toThrow(
      new TypeError(
        '@keyward/client: apiKeyInterceptor: options.orgin is not an option (did you mean options.origin?)',
      ),
    );
    expect(() => apiKeyInterceptor(KEY, null as never)).toThrow(
      new TypeError('@keyward/client: apiKeyInterceptor: options must be an object'),
    );
  });

  it("checks the header name with core's rule, length limit included", () => {
    // Core's isHeaderName caps a name at 256 characters; a copy of the bare token pattern would not.
    expect(() => apiKeyInterceptor(KEY, { header: 'x'.repeat(257) })).toThrow(/options\.header/);
    expect(() => apiKeyInterceptor(KEY, { header: 'x'.repeat(256) })).not.toThrow();
  });
});

describe('withHeader', () => {
  it('keeps repeated headers and drops undefined values', () => {
    expect(withHeader({ a: ['1', '2'], b: undefined as unknown as string }, 'X-K', 'v')).toEqual([
      'a',
      '1',
      'a',
      '2',
      'x-k',
      'v',
    ]);
    expect(withHeader(null, 'x-k', 'v')).toEqual(['x-k', 'v']);
  });
});

import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { expectNotRevealed, fakeStore, manualClock, scope, storedKey } from '../test/helpers.js';
import { createAuthenticator, validateAuthenticatorOptions } from './authenticate.js';
import { bearerKey } from './extract-api-key.js';
import { generateApiKey } from './generate-api-key.js';
import { hashApiKey } from './hash-api-key.js';
import { MemoryKeyStore } from './memory-key-store.js';
import { createVerificationCache } from './verification-cache.js';

const KEY = generateApiKey();
const HASH = hashApiKey(KEY);

function setup(overrides: Parameters<typeof storedKey>[0] | null = { hash: HASH }) {
  const fake = fakeStore(overrides ? [storedKey(overrides)] : []);
  const clock = manualClock();
  const auth = createAuthenticator({ store: fake.store, now: clock.date, cache: false });
  return { ...fake, auth, clock };
}

async function expectFailure(promise: Promise<unknown>, code: string, status: number) {
  const result = (await promise) as { ok: boolean; error?: { code: string; status: number } };
  expect(result.ok).toBe(false);
  expect(result.error?.code).toBe(code);
  expect(result.error?.status).toBe(status);
  return result;
}

describe('createAuthenticator: the rows of the error table (docs/architecture.md)', () => {
  it('valid key: ok, with the key context and nothing else', async () => {
    const { auth, clock } = setup({
      hash: HASH,
      id: 'key_1',
      tenantId: 't1',
      environmentId: 'prod',
      userId: 'u1',
      scopes: ['keys:read'],
      name: 'ci',
    });
    const result = await auth.authenticate({ 'x-api-key': KEY });
    expect(result).toEqual({
      ok: true,
      context: {
        keyId: 'key_1',
        tenantId: 't1',
        environmentId: 'prod',
        userId: 'u1',
        scopes: ['keys:read'],
        name: 'ci',
      },
    });
    expectNotRevealed(result, KEY);
    expectNotRevealed(result, HASH);
    expect(clock.date()).toBeInstanceOf(Date);
  });

  it('no key (header absent or empty): 401 missing_api_key, without asking the store', async () => {
    const { auth, state } = setup();
    for (const headers of [{}, { 'x-api-key': '' }, { 'x-api-key': '   ' }, { 'x-api-key': [] }, new Headers()]) {
      await expectFailure(auth.authenticate(headers), 'missing_api_key', 401);
    }
    expect(state.lookups).toBe(0);
  });

  it('more than one X-API-Key value: 401 invalid_api_key, without asking the store', async () => {
    const { auth, state } = setup();
    const other = generateApiKey();
    await expectFailure(auth.authenticate({ 'x-api-key': [KEY, other] }), 'invalid_api_key', 401);
    await expectFailure(auth.authenticate({ 'x-api-key': [KEY, KEY] }), 'invalid_api_key', 401);
    await expectFailure(auth.authenticate({ 'x-api-key': KEY, 'X-API-KEY': KEY }), 'invalid_api_key', 401);
    // Node and Web Headers join repeated custom headers with ", ".
    await expectFailure(auth.authenticate({ 'x-api-key': `${KEY}, ${other}` }), 'invalid_api_key', 401);
    const web = new Headers();
    web.append('x-api-key', KEY);
    web.append('x-api-key', other);
    await expectFailure(auth.authenticate(web), 'invalid_api_key', 401);
    expect(state.lookups).toBe(0);
  });

  it('not the key format: 401 invalid_api_key, without asking the store', async () => {
    const { auth, state } = setup();
    for (const value of [
      'nope',
      KEY.toUpperCase(),
      `${KEY}0`,
      KEY.slice(1),
      'a'.repeat(10 * 1024 * 1024),
      'é'.repeat(64),
    ]) {
      await expectFailure(auth.authenticate({ 'x-api-key': value }), 'invalid_api_key', 401);
    }
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }).filter((s) => !/^\s*[0-9a-f]{64}\s*$/.test(s) && s.trim().length > 0),
        async (value) => {
          const result = await auth.authenticate({ 'x-api-key': value });
          expect(result.ok === false && result.error.code).toBe('invalid_api_key');
        },
      ),
    );
    expect(state.lookups).toBe(0);
  });

  it('unknown key: 401 invalid_api_key', async () => {
    const { auth, state } = setup(null);
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'invalid_api_key', 401);
    expect(state.lookups).toBe(1);
  });

  it('revoked (deleted) key: 401 invalid_api_key, exactly like an unknown one', async () => {
    const store = new MemoryKeyStore();
    const auth = createAuthenticator({ store });
    const { key, apiKey } = await store.create({ ...scope, name: 'ci' });
    expect((await auth.authenticate({ 'x-api-key': key })).ok).toBe(true);
    await store.revoke(scope, apiKey.id);
    const revoked = await expectFailure(auth.authenticate({ 'x-api-key': key }), 'invalid_api_key', 401);
    const unknown = await auth.authenticate({ 'x-api-key': generateApiKey() });
    expect(JSON.stringify(revoked)).toBe(JSON.stringify(unknown));
  });

  it('deactivated key: 403 inactive_api_key', async () => {
    const { auth } = setup({ hash: HASH, active: false });
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'inactive_api_key', 403);
  });

  it('key past expires_at: 403 expired_api_key, from the instant of expiry', async () => {
    const clock = manualClock();
    const expiresAt = new Date(clock.ms() + 1000);
    const fake = fakeStore([storedKey({ hash: HASH, expiresAt })]);
    const auth = createAuthenticator({ store: fake.store, now: clock.date });
    clock.advance(999);
    expect((await auth.authenticate({ 'x-api-key': KEY })).ok).toBe(true);
    clock.advance(1);
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'expired_api_key', 403);
    clock.advance(86_400_000);
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'expired_api_key', 403);
  });

  it('X-Environment-ID not the key environment: 403 environment_mismatch', async () => {
    const { auth } = setup({ hash: HASH, environmentId: 'prod' });
    await expectFailure(
      auth.authenticate({ 'x-api-key': KEY, 'x-environment-id': 'staging' }),
      'environment_mismatch',
      403,
    );
    await expectFailure(
      auth.authenticate({ 'x-api-key': KEY, 'X-Environment-ID': ['prod', 'staging'] }),
      'environment_mismatch',
      403,
    );
    expect((await auth.authenticate({ 'x-api-key': KEY, 'X-Environment-Id': 'prod' })).ok).toBe(true);
    expect((await auth.authenticate({ 'x-api-key': KEY, 'x-environment-id': '' })).ok).toBe(true);
    expect((await auth.authenticate(new Headers({ 'x-api-key': KEY, 'x-environment-id': 'prod' }))).ok).toBe(true);
  });

  it('environment header: configurable, or off', async () => {
    const fake = fakeStore([storedKey({ hash: HASH, environmentId: 'prod' })]);
    const custom = createAuthenticator({ store: fake.store, environmentHeader: 'x-env' });
    await expectFailure(custom.authenticate({ 'x-api-key': KEY, 'x-env': 'dev' }), 'environment_mismatch', 403);
    expect((await custom.authenticate({ 'x-api-key': KEY, 'x-environment-id': 'dev' })).ok).toBe(true);
    const off = createAuthenticator({ store: fake.store, environmentHeader: false });
    expect((await off.authenticate({ 'x-api-key': KEY, 'x-environment-id': 'dev' })).ok).toBe(true);
  });

  it('the key store cannot answer: 503 auth_unavailable, with the cause kept off the wire', async () => {
    const { auth, state } = setup();
    const cause = new Error('connect ECONNREFUSED 10.0.0.5:5432');
    state.failWith = cause;
    const result = await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'auth_unavailable', 503);
    const error = (result as unknown as { error: Error }).error;
    expect(error.cause).toBe(cause);
    expect(JSON.stringify(error)).not.toContain('ECONNREFUSED');
    expectNotRevealed(error, KEY);
    state.failWith = 'a string, not an Error';
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'auth_unavailable', 503);
  });

  it('fails closed on a store that answers garbage or a clock that throws', async () => {
    const malformed = fakeStore([{ ...storedKey({ hash: HASH }), expiresAt: '2020-01-01' as unknown as Date }]);
    const auth = createAuthenticator({ store: malformed.store });
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'auth_unavailable', 503);
    const throwingClock = createAuthenticator({
      store: fakeStore([storedKey({ hash: HASH })]).store,
      now: () => {
        throw new Error('clock');
      },
    });
    await expectFailure(throwingClock.authenticate({ 'x-api-key': KEY }), 'auth_unavailable', 503);
  });

  it('fails closed on a store whose findByHash throws synchronously', async () => {
    const auth = createAuthenticator({
      store: {
        findByHash() {
          throw new Error('sync');
        },
      },
    });
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'auth_unavailable', 503);
  });
});

describe('createAuthenticator: headers and options', () => {
  it('reads another header when told to, in any case', async () => {
    const fake = fakeStore([storedKey({ hash: HASH })]);
    const auth = createAuthenticator({ store: fake.store, header: 'Authorization' });
    expect(auth.header).toBe('authorization');
    expect((await auth.authenticate({ AUTHORIZATION: KEY })).ok).toBe(true);
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'missing_api_key', 401);
  });

  it('takes Web Headers and plain records alike', async () => {
    const { auth } = setup();
    expect((await auth.authenticate(new Headers({ 'X-API-Key': KEY }))).ok).toBe(true);
    expect((await auth.authenticate({ 'X-API-Key': KEY })).ok).toBe(true);
    expect((await auth.authenticate({ 'x-api-key': [KEY] })).ok).toBe(true);
  });

  it('never throws for anything a request carries, and never lets it through', async () => {
    const { auth } = setup();
    for (const headers of [undefined, null, 'x-api-key', 42, [], Object.create(null)]) {
      await expectFailure(auth.authenticate(headers), 'missing_api_key', 401);
    }
    await fc.assert(
      fc.asyncProperty(fc.anything(), fc.anything(), async (value, env) => {
        // Typed as HeadersLike, but a JavaScript caller or a framework quirk can hand anything.
        const result = await auth.authenticate({ 'x-api-key': value, 'x-environment-id': env } as never);
        expect(result.ok).toBe(false);
        await auth.authenticate(value as never);
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.string(), fc.oneof(fc.string(), fc.array(fc.string()))), async (headers) => {
        const result = await auth.authenticate(headers);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
    const hostile = { 'x-api-key': { toString: () => KEY } };
    await expectFailure(auth.authenticate(hostile as never), 'invalid_api_key', 401);
  });

  it('accepts a key with surrounding whitespace in its header (RFC 9110: not part of the value)', async () => {
    const { auth } = setup();
    expect((await auth.authenticate({ 'x-api-key': ` ${KEY}\t` })).ok).toBe(true);
  });

  it('records usage with the key id and the time, and is not bothered when that fails', async () => {
    const clock = manualClock();
    const fake = fakeStore([storedKey({ hash: HASH, id: 'key_used' })]);
    const recordUsage = vi.fn();
    const auth = createAuthenticator({ store: { ...fake.store, recordUsage }, now: clock.date });
    await auth.authenticate({ 'x-api-key': KEY });
    expect(recordUsage).toHaveBeenCalledWith('key_used', clock.date());
    recordUsage.mockImplementation(() => {
      throw new Error('usage');
    });
    expect((await auth.authenticate({ 'x-api-key': KEY })).ok).toBe(true);
    // An async implementation's rejection must not surface as an unhandled rejection
    // (vitest fails the run on one).
    recordUsage.mockImplementation(() => Promise.reject(new Error('usage')));
    expect((await auth.authenticate({ 'x-api-key': KEY })).ok).toBe(true);
    await new Promise((resolve) => setImmediate(resolve));
  });

  it('hands out a copy of the scopes, so a caller cannot change the stored key', async () => {
    const fake = fakeStore([storedKey({ hash: HASH, scopes: ['a'] })]);
    const auth = createAuthenticator({ store: fake.store });
    const first = await auth.authenticate({ 'x-api-key': KEY });
    if (first.ok) first.context.scopes.push('*');
    const second = await auth.authenticate({ 'x-api-key': KEY });
    expect(second.ok && second.context.scopes).toEqual(['a']);
  });

  it('throws at setup, naming the bad option', () => {
    const store = new MemoryKeyStore();
    const cases: [unknown, RegExp][] = [
      [undefined, /options are required/],
      [null, /options are required/],
      [{}, /options\.store/],
      [{ store: {} }, /options\.store/],
      [{ store: { findByHash: 'no' } }, /options\.store/],
      [{ store, header: '' }, /options\.header/],
      [{ store, header: 'x api key' }, /options\.header/],
      [{ store, header: 42 }, /options\.header/],
      [{ store, environmentHeader: 'bad header' }, /options\.environmentHeader/],
      [{ store, cache: null }, /options\.cache/],
      [{ store, cache: 'yes' }, /options\.cache/],
      [{ store, now: 'today' }, /options\.now/],
    ];
    for (const [options, message] of cases) {
      expect(() => createAuthenticator(options as never)).toThrow(message);
      expect(() => createAuthenticator(options as never)).toThrow(TypeError);
    }
  });
});

describe('createAuthenticator: extractKey', () => {
  it('finds the key where the extractor says, and only there', async () => {
    const store = new MemoryKeyStore();
    const { key } = await store.create({ ...scope, name: 'bearer' });
    const auth = createAuthenticator({ store, extractKey: bearerKey });
    expect(auth.header).toBeNull();
    expect((await auth.authenticate({ authorization: `Bearer ${key}` })).ok).toBe(true);
    const viaHeader = await auth.authenticate({ 'x-api-key': key });
    expect(!viaHeader.ok && viaHeader.error.code).toBe('missing_api_key');
  });

  it('fails closed when the extractor throws', async () => {
    const auth = createAuthenticator({
      store: new MemoryKeyStore(),
      extractKey: () => {
        throw new Error('app bug');
      },
    });
    const result = await auth.authenticate({});
    expect(!result.ok && result.error.code).toBe('auth_unavailable');
  });

  it('is refused beside header, and when not a function', () => {
    const store = new MemoryKeyStore();
    expect(() => createAuthenticator({ store, header: 'x-key', extractKey: bearerKey })).toThrow(
      /options\.header and options\.extractKey cannot both be given/,
    );
    expect(() => createAuthenticator({ store, extractKey: 'authorization' as never })).toThrow(
      /options\.extractKey must be a function/,
    );
  });
});

describe('createAuthenticator: the verification cache', () => {
  it('is on by default, and a hit does not ask the store', async () => {
    const fake = fakeStore([storedKey({ hash: HASH })]);
    const auth = createAuthenticator({ store: fake.store });
    expect(auth.cache).not.toBeNull();
    for (let i = 0; i < 5; i += 1) expect((await auth.authenticate({ 'x-api-key': KEY })).ok).toBe(true);
    expect(fake.state.lookups).toBe(1);
  });

  it('remembers unknown keys too', async () => {
    const fake = fakeStore();
    const auth = createAuthenticator({ store: fake.store });
    for (let i = 0; i < 3; i += 1) await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'invalid_api_key', 401);
    expect(fake.state.lookups).toBe(1);
  });

  it('does not cache a store failure', async () => {
    const fake = fakeStore([storedKey({ hash: HASH })]);
    const auth = createAuthenticator({ store: fake.store });
    fake.state.failWith = new Error('down');
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'auth_unavailable', 503);
    fake.state.failWith = null;
    expect((await auth.authenticate({ 'x-api-key': KEY })).ok).toBe(true);
  });

  it('cache: false asks the store every time', async () => {
    const fake = fakeStore([storedKey({ hash: HASH })]);
    const auth = createAuthenticator({ store: fake.store, cache: false });
    expect(auth.cache).toBeNull();
    for (let i = 0; i < 3; i += 1) await auth.authenticate({ 'x-api-key': KEY });
    expect(fake.state.lookups).toBe(3);
  });

  it('a revoke through the MemoryKeyStore evicts at once', async () => {
    const store = new MemoryKeyStore();
    const auth = createAuthenticator({ store });
    const { key, apiKey } = await store.create({ ...scope, name: 'ci' });
    expect((await auth.authenticate({ 'x-api-key': key })).ok).toBe(true);
    expect(auth.cache?.get(hashApiKey(key))).toBeTruthy();
    await store.revoke(scope, apiKey.id);
    expect(auth.cache?.get(hashApiKey(key))).toBeUndefined();
    await expectFailure(auth.authenticate({ 'x-api-key': key }), 'invalid_api_key', 401);
  });

  it('a deactivation evicts at once, and so does a reactivation', async () => {
    const store = new MemoryKeyStore();
    const auth = createAuthenticator({ store });
    const { key, apiKey } = await store.create({ ...scope, name: 'ci' });
    await auth.authenticate({ 'x-api-key': key });
    await store.update(scope, apiKey.id, { active: false });
    await expectFailure(auth.authenticate({ 'x-api-key': key }), 'inactive_api_key', 403);
    await store.update(scope, apiKey.id, { active: true });
    expect((await auth.authenticate({ 'x-api-key': key })).ok).toBe(true);
  });

  it('does not re-cache an answer that was in flight while the key was revoked', async () => {
    const fake = fakeStore([storedKey({ hash: HASH })]);
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const store = {
      ...fake.store,
      watch: fake.store.watch,
      async findByHash(hash: string) {
        const answer = await fake.store.findByHash(hash);
        await gate;
        return answer;
      },
    };
    const auth = createAuthenticator({ store });
    const inFlight = auth.authenticate({ 'x-api-key': KEY });
    await new Promise((resolve) => setImmediate(resolve));
    // The revoke lands while the lookup above already holds the old record.
    fake.byHash.delete(HASH);
    fake.emit({ hash: HASH });
    release();
    expect((await inFlight).ok).toBe(true);
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'invalid_api_key', 401);
  });

  it('an { all: true } change empties the cache', async () => {
    const fake = fakeStore([storedKey({ hash: HASH })]);
    const auth = createAuthenticator({ store: fake.store });
    await auth.authenticate({ 'x-api-key': KEY });
    expect(auth.cache?.size).toBe(1);
    fake.emit({ all: true });
    expect(auth.cache?.size).toBe(0);
  });

  it('is bypassed while the store says its changes are not reliable, and dropped then', async () => {
    const fake = fakeStore([storedKey({ hash: HASH })]);
    const auth = createAuthenticator({ store: fake.store });
    await auth.authenticate({ 'x-api-key': KEY });
    expect(fake.state.lookups).toBe(1);
    fake.state.changesReliable = false;
    // A revoke the store could not report: the cached entry must not be trusted any more.
    fake.byHash.delete(HASH);
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'invalid_api_key', 401);
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'invalid_api_key', 401);
    expect(fake.state.lookups).toBe(3);
    expect(auth.cache?.size).toBe(0);
    fake.state.changesReliable = true;
    await auth.authenticate({ 'x-api-key': KEY });
    await auth.authenticate({ 'x-api-key': KEY });
    expect(fake.state.lookups).toBe(4);
  });

  it('expires entries after the TTL (injected clock)', async () => {
    const clock = manualClock();
    const fake = fakeStore([storedKey({ hash: HASH })]);
    const auth = createAuthenticator({ store: fake.store, cache: { ttlMs: 1000, now: clock.ms } });
    await auth.authenticate({ 'x-api-key': KEY });
    clock.advance(999);
    await auth.authenticate({ 'x-api-key': KEY });
    expect(fake.state.lookups).toBe(1);
    clock.advance(1);
    await auth.authenticate({ 'x-api-key': KEY });
    expect(fake.state.lookups).toBe(2);
  });

  it('checks expiry on every request, even on a cache hit', async () => {
    const clock = manualClock();
    const fake = fakeStore([storedKey({ hash: HASH, expiresAt: new Date(clock.ms() + 10) })]);
    const auth = createAuthenticator({ store: fake.store, now: clock.date });
    expect((await auth.authenticate({ 'x-api-key': KEY })).ok).toBe(true);
    clock.advance(10);
    await expectFailure(auth.authenticate({ 'x-api-key': KEY }), 'expired_api_key', 403);
    expect(fake.state.lookups).toBe(1);
  });

  it('takes a shared VerificationCache, and close() stops listening to the store', async () => {
    const cache = createVerificationCache();
    const fake = fakeStore([storedKey({ hash: HASH })]);
    const a = createAuthenticator({ store: fake.store, cache });
    const b = createAuthenticator({ store: fake.store, cache });
    expect(a.cache).toBe(cache);
    await a.authenticate({ 'x-api-key': KEY });
    await b.authenticate({ 'x-api-key': KEY });
    expect(fake.state.lookups).toBe(1);
    expect(fake.listeners.size).toBe(2);
    a.close();
    b.close();
    expect(fake.listeners.size).toBe(0);
  });

  it('never keeps the key itself, only its hash', async () => {
    const fake = fakeStore([storedKey({ hash: HASH })]);
    const auth = createAuthenticator({ store: fake.store });
    await auth.authenticate({ 'x-api-key': KEY });
    await auth.authenticate({ 'x-api-key': generateApiKey() });
    expectNotRevealed(auth, KEY);
    expectNotRevealed(auth.cache, KEY);
  });
});

describe('validateAuthenticatorOptions', () => {
  it('names the caller, so an adapter reports its own name', () => {
    expect(() => validateAuthenticatorOptions({}, 'koaApiKeyAuth')).toThrow(/^koaApiKeyAuth: options\.store/);
    expect(() => validateAuthenticatorOptions({ store: new MemoryKeyStore(), cache: { ttlMs: 5 } })).not.toThrow();
  });
});

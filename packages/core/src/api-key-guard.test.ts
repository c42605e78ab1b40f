import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeStore, scope, storedKey } from '../test/helpers.js';
import { createApiKeyGuard, validateScopes } from './api-key-guard.js';
import { createAuthenticator } from './authenticate.js';
import { toErrorResponse } from './errors.js';
import { generateApiKey } from './generate-api-key.js';
import { hashApiKey } from './hash-api-key.js';
import { MemoryKeyStore } from './memory-key-store.js';

const KEY = generateApiKey();

function setup(records = [storedKey({ hash: hashApiKey(KEY), scopes: ['keys:read'] })]) {
  return fakeStore(records);
}

beforeEach(() => {
  // The limiter reads Date.now; a fake one keeps the window tests free of real time.
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-01-01T00:00:00Z') });
});
afterEach(() => {
  vi.useRealTimers();
});

describe('createApiKeyGuard', () => {
  it('lets a valid key through with its context', async () => {
    const guard = createApiKeyGuard({ store: setup().store });
    const result = await guard.check({ headers: { 'x-api-key': KEY } });
    expect(result.ok && result.context?.keyId).toBe('key_test');
  });

  it('refuses what the authenticator refuses, with the same error', async () => {
    const guard = createApiKeyGuard({ store: setup().store });
    const missing = await guard.check({ headers: {} });
    expect(!missing.ok && missing.error.code).toBe('missing_api_key');
    const wrong = await guard.check({ headers: { 'x-api-key': generateApiKey() } });
    expect(!wrong.ok && wrong.error.code).toBe('invalid_api_key');
  });

  it('optional: no key passes with no context; a wrong or bad key is still refused', async () => {
    const guard = createApiKeyGuard({ store: setup().store, optional: true });
    expect(await guard.check({ headers: {} })).toEqual({ ok: true, context: null });
    expect(await guard.check({ headers: { 'x-api-key': '' } })).toEqual({ ok: true, context: null });
    const wrong = await guard.check({ headers: { 'x-api-key': 'nope' } });
    expect(!wrong.ok && wrong.error.code).toBe('invalid_api_key');
    const valid = await guard.check({ headers: { 'x-api-key': KEY } });
    expect(valid.ok && valid.context?.keyId).toBe('key_test');
  });

  it('optional: a keyless request is refused where a scope is needed, by the guard or the route', async () => {
    const store = setup().store;
    const routeScoped = await createApiKeyGuard({ store, optional: true }).check({
      headers: {},
      scopes: ['keys:read'],
    });
    expect(!routeScoped.ok && routeScoped.error.code).toBe('missing_api_key');
    const guardScoped = await createApiKeyGuard({ store, optional: true, scopes: ['keys:read'] }).check({
      headers: {},
    });
    expect(!guardScoped.ok && guardScoped.error.code).toBe('missing_api_key');
  });

  it('close() stops the authenticator it built, and leaves one passed in alone', () => {
    const { store } = setup();
    let listeners = 0;
    const watching = {
      ...store,
      watch: () => {
        listeners += 1;
        return () => {
          listeners -= 1;
        };
      },
    };
    const own = createApiKeyGuard({ store: watching });
    expect(listeners).toBe(1);
    own.close();
    expect(listeners).toBe(0);
    const shared = createAuthenticator({ store: watching });
    const borrowed = createApiKeyGuard({ authenticator: shared });
    borrowed.close();
    expect(listeners).toBe(1);
    shared.close();
  });

  it('the route needs a scope the key lacks: 403 insufficient_scope', async () => {
    const store = setup().store;
    const guard = createApiKeyGuard({ store, scopes: ['keys:read'] });
    expect((await guard.check({ headers: { 'x-api-key': KEY } })).ok).toBe(true);
    const route = await guard.check({ headers: { 'x-api-key': KEY }, scopes: ['keys:write'] });
    expect(!route.ok && route.error.code).toBe('insufficient_scope');
    expect(!route.ok && route.error.status).toBe(403);
    const needsMore = createApiKeyGuard({ store, scopes: ['admin'] });
    const refused = await needsMore.check({ headers: { 'x-api-key': KEY } });
    expect(!refused.ok && refused.error.code).toBe('insufficient_scope');
  });

  it('too many failed attempts from one address: 429 too_many_requests with Retry-After', async () => {
    const guard = createApiKeyGuard({ store: setup().store });
    const from = (clientAddress: string, key = generateApiKey()) =>
      guard.check({ headers: { 'x-api-key': key }, clientAddress });
    for (let i = 0; i < 20; i += 1) {
      const result = await from('10.0.0.1');
      expect(!result.ok && result.error.code).toBe('invalid_api_key');
    }
    const limited = await from('10.0.0.1');
    expect(limited.ok).toBe(false);
    if (!limited.ok) {
      expect(limited.error.code).toBe('too_many_requests');
      expect(limited.error.status).toBe(429);
      expect(limited.error.retryAfterSeconds).toBe(60);
      expect(toErrorResponse(limited.error).headers['retry-after']).toBe('60');
    }
    // A key the cache does not know waits for the locked address's next probe lookup (one per
    // windowMs / max), so guessing cannot go on between valid requests.
    const valid = await from('10.0.0.1', KEY);
    expect(!valid.ok && valid.error.code).toBe('too_many_requests');
    expect((await from('10.0.0.2', KEY)).ok).toBe(true);
    vi.advanceTimersByTime(60_000);
    expect((await from('10.0.0.1', KEY)).ok).toBe(true);
  });

  it('counts only 401s as failed attempts', async () => {
    const fake = setup([storedKey({ hash: hashApiKey(KEY), active: false })]);
    const guard = createApiKeyGuard({ store: fake.store, failureLimit: { max: 1, windowMs: 60_000 } });
    for (let i = 0; i < 3; i += 1) {
      const inactive = await guard.check({ headers: { 'x-api-key': KEY }, clientAddress: 'a' });
      expect(!inactive.ok && inactive.error.code).toBe('inactive_api_key');
    }
    fake.state.failWith = new Error('down');
    for (let i = 0; i < 3; i += 1) {
      const down = await guard.check({ headers: { 'x-api-key': generateApiKey() }, clientAddress: 'a' });
      expect(!down.ok && down.error.code).toBe('auth_unavailable');
    }
    fake.state.failWith = null;
    await guard.check({ headers: {}, clientAddress: 'a' });
    const limited = await guard.check({ headers: { 'x-api-key': KEY }, clientAddress: 'a' });
    expect(!limited.ok && limited.error.code).toBe('too_many_requests');
  });

  it('does not count a keyless request in optional mode', async () => {
    const guard = createApiKeyGuard({ store: setup().store, optional: true, failureLimit: { max: 1, windowMs: 1000 } });
    for (let i = 0; i < 3; i += 1) expect((await guard.check({ headers: {}, clientAddress: 'a' })).ok).toBe(true);
  });

  it('reads a clientAddress function only when the failure limiter needs it', async () => {
    const guard = createApiKeyGuard({ store: setup().store, failureLimit: { max: 2, windowMs: 60_000 } });
    let reads = 0;
    const clientAddress = () => {
      reads += 1;
      return '10.0.0.9';
    };
    expect((await guard.check({ headers: { 'x-api-key': KEY }, clientAddress })).ok).toBe(true);
    expect(reads).toBe(1); // the first lookup of the key reserved its place
    for (let i = 0; i < 5; i += 1)
      expect((await guard.check({ headers: { 'x-api-key': KEY }, clientAddress })).ok).toBe(true);
    expect(reads).toBe(1); // answered from the cache: no address needed
    for (let i = 0; i < 2; i += 1) await guard.check({ headers: { 'x-api-key': 'x' }, clientAddress });
    const limited = await guard.check({ headers: { 'x-api-key': 'x' }, clientAddress });
    expect(!limited.ok && limited.error.code).toBe('too_many_requests');
    expect(reads).toBe(4);
  });

  it('failureLimit: false never limits', async () => {
    const guard = createApiKeyGuard({ store: setup().store, failureLimit: false });
    for (let i = 0; i < 30; i += 1) await guard.check({ headers: { 'x-api-key': 'x' }, clientAddress: 'a' });
    expect((await guard.check({ headers: { 'x-api-key': KEY }, clientAddress: 'a' })).ok).toBe(true);
  });

  it('uses a given authenticator, sharing its cache', async () => {
    const store = new MemoryKeyStore();
    const { key } = await store.create({ ...scope, name: 'ci' });
    const authenticator = createAuthenticator({ store, header: 'authorization' });
    const guard = createApiKeyGuard({ authenticator });
    expect(guard.authenticator).toBe(authenticator);
    expect((await guard.check({ headers: { authorization: key } })).ok).toBe(true);
    expect(authenticator.cache?.size).toBe(1);
  });

  it('passes header and environmentHeader on to the authenticator', async () => {
    const guard = createApiKeyGuard({ store: setup().store, header: 'x-key', environmentHeader: 'x-env' });
    expect(guard.authenticator.header).toBe('x-key');
    const mismatch = await guard.check({ headers: { 'x-key': KEY, 'x-env': 'dev' } });
    expect(!mismatch.ok && mismatch.error.code).toBe('environment_mismatch');
  });

  it('throws at setup, naming the bad option, so no misconfiguration lets requests through', () => {
    const store = setup().store;
    const cases: [unknown, RegExp][] = [
      [undefined, /^@keyward\/core: createApiKeyGuard: options are required/],
      [{}, /^@keyward\/core: createApiKeyGuard: options\.store/],
      [{ store, scope: ['admin'] }, /options\.scope is not an option \(did you mean options\.scopes\?\)/],
      [{ store, onError: () => {} }, /options\.onError is not an option/],
      [{ authenticator: {} }, /options\.authenticator/],
      [{ store, optional: 'yes' }, /options\.optional/],
      [{ store, scopes: 'keys:read' }, /options\.scopes/],
      [{ store, scopes: [''] }, /options\.scopes/],
      [{ store, header: 'bad header' }, /options\.header/],
      [{ store, failureLimit: 'off' }, /options\.failureLimit/],
      [{ store, failureLimit: { max: 0 } }, /options\.failureLimit\.max/],
      [{ store, failureLimit: { windowMs: 1.5 } }, /options\.failureLimit\.windowMs/],
    ];
    for (const [options, message] of cases) {
      expect(() => createApiKeyGuard(options as never)).toThrow(message);
    }
    expect(() => createApiKeyGuard({} as never, { caller: 'fastifyApiKeyAuth' })).toThrow(/^fastifyApiKeyAuth: /);
    const withOnError = { store, onError: () => {} };
    expect(() => createApiKeyGuard(withOnError, { adapterOptions: ['onError'] })).not.toThrow();
  });

  it('refuses store, header, environmentHeader or cache beside an authenticator, which has its own', () => {
    const store = setup().store;
    const authenticator = createAuthenticator({ store });
    const clashes: Record<string, unknown> = {
      store: new MemoryKeyStore(),
      header: 'x-other',
      environmentHeader: false,
      cache: false,
    };
    for (const [name, value] of Object.entries(clashes)) {
      expect(() => createApiKeyGuard({ authenticator, [name]: value })).toThrow(
        `options.${name} cannot be given with options.authenticator`,
      );
    }
    // An invalid store is not silently ignored either.
    expect(() => createApiKeyGuard({ authenticator, store: {} as never })).toThrow(/options\.store/);
    authenticator.close();
  });
});

describe('validateScopes', () => {
  it('returns a copy of a valid list and throws naming the option otherwise', () => {
    const scopes = ['a', 'b'];
    const copy = validateScopes(scopes, 'x');
    expect(copy).toEqual(scopes);
    expect(copy).not.toBe(scopes);
    expect(() => validateScopes(['a b'], 'requireScopes', 'scopes')).toThrow(/^requireScopes: scopes must be/);
    expect(() => validateScopes(undefined, 'x')).toThrow(TypeError);
  });
});

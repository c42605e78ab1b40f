import { describe, expect, it } from 'vitest';
import { expectNotRevealed, manualClock, scope } from '../test/helpers.js';
import { isApiKeyFormat } from './api-key-format.js';
import { createAuthenticator } from './authenticate.js';
import { DEV_API_KEY, DEV_ENVIRONMENT_ID, DEV_TENANT_ID, DEV_USER_ID } from './dev-api-key.js';
import { generateApiKey } from './generate-api-key.js';
import { hashApiKey } from './hash-api-key.js';
import { parseKeyConfig } from './key-config.js';
import type { KeyChange } from './key-store.js';
import { createDevApiKeyRecord, MemoryKeyStore } from './memory-key-store.js';

const otherScopes = [
  { tenantId: 't2', environmentId: scope.environmentId },
  { tenantId: scope.tenantId, environmentId: 'staging' },
  { tenantId: 't2', environmentId: 'staging' },
];

function setup() {
  const clock = manualClock();
  const store = new MemoryKeyStore({ now: clock.date });
  const auth = createAuthenticator({ store, now: clock.date });
  const check = async (key: string) => {
    const result = await auth.authenticate({ 'x-api-key': key });
    return result.ok ? 'ok' : result.error.code;
  };
  return { clock, store, auth, check };
}

describe('MemoryKeyStore.create', () => {
  it('returns the key once, and a record that does not hold it', async () => {
    const { store, clock } = setup();
    const { key, apiKey } = await store.create({
      ...scope,
      userId: 'u1',
      name: 'ci',
      scopes: ['keys:read', 'keys:read', 'keys:write'],
      expiresAt: new Date('2031-01-01T00:00:00Z'),
    });
    expect(isApiKeyFormat(key)).toBe(true);
    expect(apiKey).toEqual({
      id: expect.stringMatching(/^key_[0-9a-f]{24}$/),
      name: 'ci',
      type: 'private_key',
      displayId: `${key.slice(0, 6)}***${key.slice(-2)}`,
      tenantId: 't1',
      environmentId: 'prod',
      userId: 'u1',
      scopes: ['keys:read', 'keys:write'],
      active: true,
      expiresAt: new Date('2031-01-01T00:00:00Z'),
      successorId: null,
      lastUsedAt: null,
      createdAt: clock.date(),
      updatedAt: clock.date(),
    });
    expect(apiKey).not.toHaveProperty('hash');
  });

  it('fills in the defaults: no user, no scopes, no expiry', async () => {
    const { store } = setup();
    const { apiKey } = await store.create({ ...scope, name: 'ci' });
    expect(apiKey.userId).toBeNull();
    expect(apiKey.scopes).toEqual([]);
    expect(apiKey.expiresAt).toBeNull();
  });

  it('stores only the SHA-256 of the key, found by findByHash', async () => {
    const { store } = setup();
    const { key, apiKey } = await store.create({ ...scope, name: 'ci' });
    const stored = await store.findByHash(hashApiKey(key));
    expect(stored).toMatchObject({ id: apiKey.id, hash: hashApiKey(key) });
    expect(await store.findByHash(hashApiKey(generateApiKey()))).toBeNull();
    expect(await store.findByHash(key)).toBeNull();
  });

  it('makes a new key every time', async () => {
    const { store } = setup();
    const a = await store.create({ ...scope, name: 'ci' });
    const b = await store.create({ ...scope, name: 'ci' });
    expect(a.key).not.toBe(b.key);
    expect(a.apiKey.id).not.toBe(b.apiKey.id);
  });

  it('refuses bad input with a TypeError naming the field', async () => {
    const { store } = setup();
    const cases: [unknown, RegExp][] = [
      [undefined, /key input/],
      [null, /key input/],
      ['ci', /key input/],
      [{ environmentId: 'prod', name: 'ci' }, /tenantId/],
      [{ tenantId: 't1', name: 'ci' }, /environmentId/],
      [{ ...scope }, /name/],
      [{ ...scope, name: '' }, /name/],
      [{ ...scope, name: '   ' }, /name/],
      [{ ...scope, name: 'x'.repeat(10 * 1024 * 1024) }, /name/],
      [{ ...scope, name: 42 }, /name/],
      [{ ...scope, tenantId: 'tenant one' }, /tenantId/],
      [{ ...scope, tenantId: 'tenånt', name: 'ci' }, /tenantId/],
      [{ ...scope, name: 'ci', scopes: 'keys:read' }, /scopes/],
      [{ ...scope, name: 'ci', scopes: [''] }, /scopes/],
      [{ ...scope, name: 'ci', expiresAt: '2031-01-01' }, /expiresAt/],
      [{ ...scope, name: 'ci', expiresAt: new Date('nope') }, /expiresAt/],
      [{ ...scope, name: 'ci', extra: true }, /extra|Unrecognized/],
    ];
    for (const [input, message] of cases) {
      await expect(store.create(input as never)).rejects.toThrow(TypeError);
      await expect(store.create(input as never)).rejects.toThrow(message);
    }
    expect((await store.list(scope)).total).toBe(0);
  });

  it('takes unicode names', async () => {
    const { store } = setup();
    const { apiKey } = await store.create({ ...scope, name: 'clé de prod 🔑' });
    expect(apiKey.name).toBe('clé de prod 🔑');
  });
});

describe('MemoryKeyStore: the plaintext key never shows after creation', () => {
  it('not in the store, its records, its listings, errors or anything the authenticator returns', async () => {
    const { store, auth, clock } = setup();
    const { key, apiKey } = await store.create({ ...scope, name: 'ci', scopes: ['*'] });
    const ok = await auth.authenticate({ 'x-api-key': key });
    const wrongEnv = await auth.authenticate({ 'x-api-key': key, 'x-environment-id': 'staging' });
    const twice = await auth.authenticate({ 'x-api-key': [key, key] });
    const updated = await store.update(scope, apiKey.id, { name: 'renamed' });
    const inactive = await store.update(scope, apiKey.id, { active: false });
    const refused = await auth.authenticate({ 'x-api-key': key });
    const everything = {
      apiKey,
      stored: await store.findByHash(hashApiKey(key)),
      got: await store.get(scope, apiKey.id),
      listed: await store.list(scope),
      ok,
      wrongEnv,
      twice,
      updated,
      inactive,
      refused,
      store,
      auth,
      cache: auth.cache,
    };
    expectNotRevealed(everything, key);
    // An inactive key cannot be rotated: neither the refusal nor the reactivation shows the key.
    expectNotRevealed(await store.rotate(scope, apiKey.id).catch((err: unknown) => err), key);
    expectNotRevealed(await store.update(scope, apiKey.id, { active: true }), key);
    const rotated = await store.rotate(scope, apiKey.id, { gracePeriodSeconds: 60 });
    expectNotRevealed(rotated?.apiKey, key);
    expectNotRevealed(rotated?.apiKey, rotated?.key ?? 'unreachable');
    expectNotRevealed(await store.list(scope), key);
    expectNotRevealed(await store.list(scope), rotated?.key ?? 'unreachable');
    clock.advance(60_000);
    expectNotRevealed(await auth.authenticate({ 'x-api-key': key }), key);
    await store.revoke(scope, apiKey.id);
    expectNotRevealed(store, key);
  });

  it('not in a failed create, a failed lookup or a failing store', async () => {
    const key = generateApiKey();
    const failing = createAuthenticator({
      store: {
        async findByHash(hash) {
          throw new Error(`lookup of ${hash} failed`);
        },
      },
    });
    expectNotRevealed(await failing.authenticate({ 'x-api-key': key }), key);
    const { auth } = setup();
    expectNotRevealed(await auth.authenticate({ 'x-api-key': key }), key);
    expectNotRevealed(await auth.authenticate({ 'x-api-key': `${key}x` }), key);
  });
});

describe('MemoryKeyStore.get', () => {
  it('returns the record in its own scope', async () => {
    const { store } = setup();
    const { apiKey } = await store.create({ ...scope, name: 'ci' });
    expect(await store.get(scope, apiKey.id)).toEqual(apiKey);
  });

  it('returns null for an unknown id, and for another scope exactly as for an unknown id', async () => {
    const { store } = setup();
    const { apiKey } = await store.create({ ...scope, name: 'ci' });
    expect(await store.get(scope, 'key_000000000000000000000000')).toBeNull();
    expect(await store.get(scope, 42 as unknown as string)).toBeNull();
    for (const other of otherScopes) expect(await store.get(other, apiKey.id)).toBeNull();
  });

  it('refuses a malformed scope', async () => {
    const { store } = setup();
    for (const bad of [null, {}, { tenantId: 't1' }, { tenantId: '', environmentId: 'prod' }, 'prod']) {
      await expect(store.get(bad as never, 'key_x')).rejects.toThrow(/Invalid key scope/);
    }
  });
});

describe('MemoryKeyStore.list', () => {
  it('pages newest first, with the total', async () => {
    const { store, clock } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 7; i += 1) {
      ids.push((await store.create({ ...scope, name: `k${i}` })).apiKey.id);
      clock.advance(1000);
    }
    const newestFirst = [...ids].reverse();
    const first = await store.list(scope, { limit: 3 });
    expect(first.total).toBe(7);
    expect(first.items.map((k) => k.id)).toEqual(newestFirst.slice(0, 3));
    const second = await store.list(scope, { limit: 3, offset: 3 });
    expect(second.items.map((k) => k.id)).toEqual(newestFirst.slice(3, 6));
    const last = await store.list(scope, { limit: 3, offset: 6 });
    expect(last.items.map((k) => k.id)).toEqual(newestFirst.slice(6));
    const past = await store.list(scope, { offset: 100 });
    expect(past).toEqual({ items: [], total: 7, offset: 100, nextCursor: null });
    expect(last.items[0]).not.toHaveProperty('hash');
  });

  it('is stable for keys made in the same millisecond', async () => {
    const { store } = setup();
    for (let i = 0; i < 5; i += 1) await store.create({ ...scope, name: `k${i}` });
    const all = (await store.list(scope)).items.map((k) => k.id);
    const paged = [
      ...(await store.list(scope, { limit: 2 })).items,
      ...(await store.list(scope, { limit: 2, offset: 2 })).items,
      ...(await store.list(scope, { limit: 2, offset: 4 })).items,
    ].map((k) => k.id);
    expect(paged).toEqual(all);
    expect(new Set(all).size).toBe(5);
  });

  it('defaults to 50 a page', async () => {
    const { store } = setup();
    for (let i = 0; i < 55; i += 1) await store.create({ ...scope, name: `k${i}` });
    const page = await store.list(scope);
    expect(page.items).toHaveLength(50);
    expect(page.total).toBe(55);
    expect((await store.list(scope, { limit: 100 })).items).toHaveLength(55);
  });

  it('shows only its own scope, and counts only it', async () => {
    const { store } = setup();
    await store.create({ ...scope, name: 'mine' });
    for (const other of otherScopes) await store.create({ ...other, name: 'theirs' });
    const page = await store.list(scope);
    expect(page.total).toBe(1);
    expect(page.items.map((k) => k.name)).toEqual(['mine']);
    expect((await store.list({ tenantId: 't3', environmentId: 'prod' })).total).toBe(0);
  });

  it('refuses bad paging with a TypeError naming the field', async () => {
    const { store } = setup();
    const cases: [unknown, RegExp][] = [
      [{ limit: 0 }, /limit/],
      [{ limit: 101 }, /limit/],
      [{ limit: 1.5 }, /limit/],
      [{ limit: '10' }, /limit/],
      [{ offset: -1 }, /offset/],
      [{ offset: Number.NaN }, /offset/],
      [{ page: 2 }, /page|Unrecognized/],
    ];
    for (const [options, message] of cases) {
      await expect(store.list(scope, options as never)).rejects.toThrow(message);
    }
  });
});

describe('MemoryKeyStore.update', () => {
  it('renames and (de)activates, and moves updatedAt', async () => {
    const { store, clock, check } = setup();
    const { key, apiKey } = await store.create({ ...scope, name: 'ci' });
    clock.advance(5000);
    const renamed = await store.update(scope, apiKey.id, { name: '  deploy  ' });
    expect(renamed).toMatchObject({ name: 'deploy', active: true, updatedAt: clock.date() });
    expect(renamed?.createdAt).toEqual(apiKey.createdAt);
    expect(await store.update(scope, apiKey.id, { active: false })).toMatchObject({ active: false, name: 'deploy' });
    expect(await check(key)).toBe('inactive_api_key');
    expect(await store.update(scope, apiKey.id, { active: true })).toMatchObject({ active: true });
    expect(await check(key)).toBe('ok');
  });

  it('returns null for an unknown id or another scope, and changes nothing there', async () => {
    const { store, check } = setup();
    const { key, apiKey } = await store.create({ ...scope, name: 'ci' });
    expect(await store.update(scope, 'key_missing', { active: false })).toBeNull();
    for (const other of otherScopes) expect(await store.update(other, apiKey.id, { active: false })).toBeNull();
    expect(await check(key)).toBe('ok');
    expect((await store.get(scope, apiKey.id))?.active).toBe(true);
  });

  it('refuses bad input with a TypeError naming the field', async () => {
    const { store } = setup();
    const { apiKey } = await store.create({ ...scope, name: 'ci' });
    const cases: [unknown, RegExp][] = [
      [{ name: '' }, /name/],
      [{ active: 'false' }, /active/],
      [{ scopes: ['*'] }, /scopes|Unrecognized/],
      [{ tenantId: 't2' }, /tenantId|Unrecognized/],
      ['deploy', /key update/],
    ];
    for (const [input, message] of cases) {
      await expect(store.update(scope, apiKey.id, input as never)).rejects.toThrow(message);
    }
    expect(await store.get(scope, apiKey.id)).toEqual(apiKey);
  });
});

describe('MemoryKeyStore.revoke', () => {
  it('deletes the key: it stops working at once and is gone from every listing', async () => {
    const { store, check } = setup();
    const { key, apiKey } = await store.create({ ...scope, name: 'ci' });
    expect(await check(key)).toBe('ok');
    expect(await store.revoke(scope, apiKey.id)).toBe(true);
    expect(await check(key)).toBe('invalid_api_key');
    expect(await store.get(scope, apiKey.id)).toBeNull();
    expect(await store.list(scope)).toEqual({ items: [], total: 0, offset: 0, nextCursor: null });
    expect(await store.findByHash(hashApiKey(key))).toBeNull();
    expect(await store.revoke(scope, apiKey.id)).toBe(false);
  });

  it('is false for another scope, exactly like a missing key, and the key keeps working', async () => {
    const { store, check } = setup();
    const { key, apiKey } = await store.create({ ...scope, name: 'ci' });
    for (const other of otherScopes) expect(await store.revoke(other, apiKey.id)).toBe(false);
    expect(await store.revoke(scope, 'key_missing')).toBe(false);
    expect(await check(key)).toBe('ok');
  });
});

describe('MemoryKeyStore.rotate', () => {
  it('with no grace period: a new key with the same settings, the old one refused at once', async () => {
    const { store, check } = setup();
    const old = await store.create({
      ...scope,
      userId: 'u1',
      name: 'ci',
      scopes: ['keys:read'],
      expiresAt: new Date('2031-01-01T00:00:00Z'),
    });
    expect(await check(old.key)).toBe('ok');
    const rotated = await store.rotate(scope, old.apiKey.id, { gracePeriodSeconds: 0 });
    if (rotated === null) throw new Error('rotate returned null');
    expect(rotated.key).not.toBe(old.key);
    expect(rotated.apiKey.id).not.toBe(old.apiKey.id);
    expect(rotated.apiKey).toMatchObject({
      name: 'ci',
      userId: 'u1',
      scopes: ['keys:read'],
      expiresAt: new Date('2031-01-01T00:00:00Z'),
      active: true,
      ...scope,
    });
    expect(await check(old.key)).toBe('invalid_api_key');
    expect(await check(rotated.key)).toBe('ok');
    expect((await store.list(scope)).items.map((k) => k.id)).toEqual([rotated.apiKey.id]);
  });

  it('defaults to no grace period', async () => {
    const { store, check } = setup();
    const old = await store.create({ ...scope, name: 'ci' });
    await check(old.key);
    await store.rotate(scope, old.apiKey.id);
    expect(await check(old.key)).toBe('invalid_api_key');
  });

  it('with a grace period: the old key works until it ends, then is refused', async () => {
    const { store, check, clock } = setup();
    const old = await store.create({ ...scope, name: 'ci' });
    expect(await check(old.key)).toBe('ok');
    const rotated = await store.rotate(scope, old.apiKey.id, { gracePeriodSeconds: 60 });
    if (rotated === null) throw new Error('rotate returned null');
    expect(await check(old.key)).toBe('ok');
    expect(await check(rotated.key)).toBe('ok');
    expect((await store.get(scope, old.apiKey.id))?.expiresAt).toEqual(new Date(clock.ms() + 60_000));
    clock.advance(59_999);
    expect(await check(old.key)).toBe('ok');
    clock.advance(1);
    expect(await check(old.key)).toBe('expired_api_key');
    expect(await check(rotated.key)).toBe('ok');
  });

  it('never extends an expiry that comes sooner than the grace period', async () => {
    const { store, check, clock } = setup();
    const expiresAt = new Date(clock.ms() + 10_000);
    const old = await store.create({ ...scope, name: 'ci', expiresAt });
    await store.rotate(scope, old.apiKey.id, { gracePeriodSeconds: 3600 });
    expect((await store.get(scope, old.apiKey.id))?.expiresAt).toEqual(expiresAt);
    clock.advance(10_000);
    expect(await check(old.key)).toBe('expired_api_key');
  });

  it('is null for an unknown id or another scope, and then issues nothing', async () => {
    const { store, check } = setup();
    const old = await store.create({ ...scope, name: 'ci' });
    expect(await store.rotate(scope, 'key_missing')).toBeNull();
    for (const other of otherScopes) {
      expect(await store.rotate(other, old.apiKey.id)).toBeNull();
      expect((await store.list(other)).total).toBe(0);
    }
    expect((await store.list(scope)).total).toBe(1);
    expect(await check(old.key)).toBe('ok');
  });

  it('refuses a bad grace period', async () => {
    const { store } = setup();
    const old = await store.create({ ...scope, name: 'ci' });
    for (const gracePeriodSeconds of [-1, 1.5, '60', 31 * 24 * 3600, Number.NaN]) {
      await expect(store.rotate(scope, old.apiKey.id, { gracePeriodSeconds } as never)).rejects.toThrow(
        /gracePeriodSeconds/,
      );
    }
    expect((await store.list(scope)).total).toBe(1);
  });
});

describe('MemoryKeyStore: watching and usage', () => {
  it('reports revoke, update and rotate by hash, and stops after unsubscribe', async () => {
    const { store } = setup();
    const changes: KeyChange[] = [];
    const stop = store.watch((change) => changes.push(change));
    const a = await store.create({ ...scope, name: 'a' });
    const b = await store.create({ ...scope, name: 'b' });
    const c = await store.create({ ...scope, name: 'c' });
    expect(changes).toEqual([]);
    await store.update(scope, a.apiKey.id, { active: false });
    await store.revoke(scope, b.apiKey.id);
    await store.rotate(scope, c.apiKey.id, { gracePeriodSeconds: 10 });
    expect(changes).toEqual([{ hash: hashApiKey(a.key) }, { hash: hashApiKey(b.key) }, { hash: hashApiKey(c.key) }]);
    stop();
    await store.revoke(scope, a.apiKey.id);
    expect(changes).toHaveLength(3);
  });

  it('tells every watcher even when one throws: a revoked key leaves every cache', async () => {
    const { store } = setup();
    const first = createAuthenticator({ store });
    const broken = store.watch(() => {
      throw new Error('watcher broke');
    });
    const second = createAuthenticator({ store });
    const { key, apiKey } = await store.create({ ...scope, name: 'a' });
    const headers = { 'x-api-key': key };
    expect((await first.authenticate(headers)).ok).toBe(true);
    expect((await second.authenticate(headers)).ok).toBe(true);
    await store.revoke(scope, apiKey.id);
    for (const authenticator of [first, second]) {
      const result = await authenticator.authenticate(headers);
      expect(result.ok ? 'accepted' : result.error.code).toBe('invalid_api_key');
    }
    broken();
    first.close();
    second.close();
  });

  it('records when a key was last used', async () => {
    const { store, auth, clock } = setup();
    const { key, apiKey } = await store.create({ ...scope, name: 'ci' });
    clock.advance(1234);
    await auth.authenticate({ 'x-api-key': key });
    expect((await store.get(scope, apiKey.id))?.lastUsedAt).toEqual(clock.date());
    store.recordUsage('key_missing', clock.date());
  });

  it('hands out copies: changing a returned record changes nothing stored', async () => {
    const { store } = setup();
    const { key, apiKey } = await store.create({ ...scope, name: 'ci', scopes: ['a'] });
    apiKey.scopes.push('*');
    apiKey.name = 'changed';
    (await store.findByHash(hashApiKey(key)))?.scopes.push('*');
    (await store.get(scope, apiKey.id))?.scopes.push('*');
    expect(await store.get(scope, apiKey.id)).toMatchObject({ name: 'ci', scopes: ['a'] });
  });
});

const HASH_A = hashApiKey('a'.repeat(64));
const HASH_B = hashApiKey('b'.repeat(64));

describe('MemoryKeyStore.fromConfig', () => {
  const file = {
    keys: [
      {
        hash: HASH_A,
        name: 'ci',
        tenant_id: 't1',
        environment_id: 'prod',
        user_id: 'u1',
        active: true,
        scopes: ['*'],
        expires_at: null,
      },
      { hash: HASH_B, name: 'old', tenant_id: 't1', environment_id: 'prod', active: false },
    ],
  };

  it('serves static keys given by hash: from JSON, JSON text or a parsed config', async () => {
    for (const config of [file, JSON.stringify(file), parseKeyConfig(file)]) {
      const store = MemoryKeyStore.fromConfig(config);
      const auth = createAuthenticator({ store });
      const result = await auth.authenticate({ 'x-api-key': 'a'.repeat(64) });
      expect(result).toEqual({
        ok: true,
        context: {
          keyId: expect.any(String),
          tenantId: 't1',
          environmentId: 'prod',
          userId: 'u1',
          scopes: ['*'],
          name: 'ci',
        },
      });
      const inactive = await auth.authenticate({ 'x-api-key': 'b'.repeat(64) });
      expect(inactive.ok === false && inactive.error.code).toBe('inactive_api_key');
    }
  });

  it('validates a camelCase config built in code instead of trusting it', async () => {
    const built = {
      keys: [
        {
          hash: HASH_A,
          name: 'ci',
          tenantId: 't1',
          environmentId: 'prod',
          userId: null,
          active: true,
          scopes: [],
          expiresAt: null,
        },
      ],
    };
    const store = MemoryKeyStore.fromConfig(built);
    expect(await store.findByHash(HASH_A)).toMatchObject({ tenantId: 't1', name: 'ci' });
    expect(() => MemoryKeyStore.fromConfig({ keys: [{ hash: 'bad', tenantId: 'x' }] })).toThrow(
      /Invalid key config: keys\[0\]\.hash/,
    );
    expect(() => MemoryKeyStore.fromConfig({ keys: [{ ...built.keys[0], tenantId: undefined }] })).toThrow(
      /keys\[0\] \("ci"\)\.tenantId/,
    );
  });

  it('refuses a malformed config, naming the entry', () => {
    expect(() => MemoryKeyStore.fromConfig({ keys: [{ ...file.keys[0], hash: 'x' }] })).toThrow(
      /keys\[0\] \("ci"\)\.hash/,
    );
    expect(() => MemoryKeyStore.fromConfig(null)).toThrow(/Invalid key config/);
  });

  it("refuses a devKey that is not a boolean: 'false' must not turn the public key on", () => {
    for (const devKey of ['false', 'true', 1, 0, null]) {
      expect(() => MemoryKeyStore.fromConfig({ keys: [] }, { devKey } as never)).toThrow(
        '@keyward/core: MemoryKeyStore.fromConfig: options.devKey must be true or false',
      );
    }
  });

  it('adds the development key only when asked', async () => {
    const plain = createAuthenticator({ store: MemoryKeyStore.fromConfig({ keys: [] }) });
    const refused = await plain.authenticate({ 'x-api-key': DEV_API_KEY });
    expect(refused.ok === false && refused.error.code).toBe('invalid_api_key');
    const dev = createAuthenticator({ store: MemoryKeyStore.fromConfig({ keys: [] }, { devKey: true }) });
    expect(await dev.authenticate({ 'x-api-key': DEV_API_KEY })).toEqual({
      ok: true,
      context: {
        keyId: 'key_dev',
        tenantId: DEV_TENANT_ID,
        environmentId: DEV_ENVIRONMENT_ID,
        userId: DEV_USER_ID,
        scopes: ['*'],
        name: 'Development key',
      },
    });
  });

  it('refuses the development key when NODE_ENV is production', () => {
    const before = process.env.NODE_ENV;
    try {
      process.env.NODE_ENV = 'production';
      expect(() => MemoryKeyStore.fromConfig({ keys: [] }, { devKey: true })).toThrow(/production/);
      expect(() => MemoryKeyStore.fromConfig({ keys: [] })).not.toThrow();
    } finally {
      process.env.NODE_ENV = before;
    }
  });
});

describe('MemoryKeyStore options', () => {
  const key = generateApiKey();

  it('refuses a misspelled option, suggesting the name it meant', () => {
    expect(() => new MemoryKeyStore({ nwo: () => new Date() } as never)).toThrow(
      new TypeError('@keyward/core: MemoryKeyStore: options.nwo is not an option (did you mean options.now?)'),
    );
    expect(() => new MemoryKeyStore({ clock: () => new Date() } as never)).toThrow(
      new TypeError('@keyward/core: MemoryKeyStore: options.clock is not an option; known: now'),
    );
  });

  it('refuses a misspelled fromConfig option rather than quietly leaving the development key off', () => {
    expect(() => MemoryKeyStore.fromConfig({ keys: [] }, { devkey: true } as never)).toThrow(
      new TypeError(
        '@keyward/core: MemoryKeyStore.fromConfig: options.devkey is not an option (did you mean options.devKey?)',
      ),
    );
    expect(() => MemoryKeyStore.fromConfig({ keys: [] }, { nwo: () => new Date() } as never)).toThrow(
      new TypeError(
        '@keyward/core: MemoryKeyStore.fromConfig: options.nwo is not an option (did you mean options.now?)',
      ),
    );
  });

  it('refuses a clock that is not a function', () => {
    for (const now of ['2030-01-01', new Date(), 0]) {
      expect(() => new MemoryKeyStore({ now } as never)).toThrow(TypeError);
      expect(() => new MemoryKeyStore({ now } as never)).toThrow(
        /^@keyward\/core: MemoryKeyStore.*options\.now must be a function/,
      );
      expect(() => MemoryKeyStore.fromConfig({ keys: [] }, { now } as never)).toThrow(
        /options\.now must be a function/,
      );
    }
  });

  it('never quotes the value of an option it refuses, which may be a key put under the wrong name', () => {
    const attempts = [
      () => new MemoryKeyStore({ apiKey: key } as never),
      () => new MemoryKeyStore({ now: key } as never),
      () => MemoryKeyStore.fromConfig({ keys: [] }, { devKey: true, key } as never),
      () => MemoryKeyStore.fromConfig({ keys: [] }, { now: [key] } as never),
    ];
    for (const attempt of attempts) {
      let thrown: unknown;
      try {
        attempt();
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expectNotRevealed(thrown, key);
      expectNotRevealed(String(thrown), key);
    }
  });
});

describe('createDevApiKeyRecord', () => {
  it('describes the development key by its hash, with every scope', () => {
    const record = createDevApiKeyRecord(new Date(5));
    expect(record).toMatchObject({
      id: 'key_dev',
      hash: hashApiKey(DEV_API_KEY),
      tenantId: DEV_TENANT_ID,
      environmentId: DEV_ENVIRONMENT_ID,
      userId: DEV_USER_ID,
      scopes: ['*'],
      active: true,
      expiresAt: null,
      createdAt: new Date(5),
    });
    expect(JSON.stringify(record)).not.toContain(DEV_API_KEY);
  });
});

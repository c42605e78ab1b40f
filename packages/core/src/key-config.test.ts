import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from './hash-api-key.js';
import { parseKeyConfig } from './key-config.js';

const HASH = hashApiKey('c'.repeat(64));
const full = {
  hash: HASH,
  name: 'ci',
  tenant_id: 't1',
  environment_id: 'prod',
  user_id: 'u1',
  active: true,
  scopes: ['*'],
  expires_at: null,
};

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(TypeError);
    return (err as Error).message;
  }
  throw new Error('expected a throw');
}

describe('parseKeyConfig', () => {
  it('reads the documented static-key config into camelCase', () => {
    expect(parseKeyConfig({ keys: [full] })).toEqual({
      keys: [
        {
          hash: HASH,
          name: 'ci',
          tenantId: 't1',
          environmentId: 'prod',
          userId: 'u1',
          active: true,
          scopes: ['*'],
          expiresAt: null,
        },
      ],
    });
  });

  it('fills in the defaults: active, no scopes, no user, no expiry', () => {
    const { keys } = parseKeyConfig({ keys: [{ hash: HASH, name: 'ci', tenant_id: 't1', environment_id: 'prod' }] });
    expect(keys[0]).toEqual({
      hash: HASH,
      name: 'ci',
      tenantId: 't1',
      environmentId: 'prod',
      userId: null,
      active: true,
      scopes: [],
      expiresAt: null,
    });
  });

  it('reads expires_at as an ISO 8601 timestamp, with an offset or Z', () => {
    const at = (expires_at: string) => parseKeyConfig({ keys: [{ ...full, expires_at }] }).keys[0]?.expiresAt;
    expect(at('2031-01-01T00:00:00Z')).toEqual(new Date('2031-01-01T00:00:00Z'));
    expect(at('2031-01-01T02:00:00+02:00')).toEqual(new Date('2031-01-01T00:00:00Z'));
    expect(messageOf(() => at('tomorrow'))).toMatch(/keys\[0\] \("ci"\)\.expires_at/);
  });

  it('takes the JSON text as well', () => {
    expect(parseKeyConfig(JSON.stringify({ keys: [full] })).keys).toHaveLength(1);
    expect(messageOf(() => parseKeyConfig('{"keys": ['))).toMatch(/not valid JSON/);
    expect(parseKeyConfig({ keys: [] })).toEqual({ keys: [] });
  });

  it('never quotes the text of a file that is not JSON: it may hold a pasted key', () => {
    const key = 'ab'.repeat(32);
    for (const text of [key, `{"keys": [${key}]}`, `{"keys": [{"hash": "${key}",}]}`, `${key.slice(0, 20)}`]) {
      const message = messageOf(() => parseKeyConfig(text));
      expect(message).toBe('Invalid key config: not valid JSON');
      expect(message).not.toContain(key.slice(0, 8));
    }
  });

  it('names the entry and the field of a missing field', () => {
    for (const field of ['hash', 'name', 'tenant_id', 'environment_id'] as const) {
      const { [field]: _dropped, ...entry } = full;
      expect(messageOf(() => parseKeyConfig({ keys: [full, entry] }))).toMatch(
        new RegExp(`^Invalid key config: keys\\[1\\]( \\("ci"\\))?\\.${field}: `),
      );
    }
  });

  it('names an extra (unknown) field, in an entry or at the top', () => {
    expect(messageOf(() => parseKeyConfig({ keys: [{ ...full, tenant: 't1' }] }))).toMatch(
      /keys\[0\] \("ci"\)\.tenant: unknown field/,
    );
    expect(messageOf(() => parseKeyConfig({ keys: [{ ...full, key: 'c'.repeat(64) }] }))).toMatch(/\.key: unknown/);
    expect(messageOf(() => parseKeyConfig({ keys: [], version: 1 }))).toMatch(/version: unknown field/);
  });

  it('names the bad field of a wrong type or value', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ hash: HASH.toUpperCase() }, 'hash'],
      [{ hash: HASH.slice(1) }, 'hash'],
      [{ hash: 42 }, 'hash'],
      [{ name: '' }, 'name'],
      [{ name: 'x'.repeat(256) }, 'name'],
      [{ tenant_id: 'two words' }, 'tenant_id'],
      [{ environment_id: null }, 'environment_id'],
      [{ user_id: 7 }, 'user_id'],
      [{ active: 'yes' }, 'active'],
      [{ scopes: '*' }, 'scopes'],
      [{ scopes: ['ok', ''] }, 'scopes.1'],
      [{ expires_at: 1_900_000_000 }, 'expires_at'],
    ];
    for (const [change, field] of cases) {
      expect(messageOf(() => parseKeyConfig({ keys: [{ ...full, ...change }] }))).toContain(`.${field}: `);
    }
  });

  it('labels an entry by index when its name is unusable', () => {
    expect(messageOf(() => parseKeyConfig({ keys: [{ ...full, name: 7 }] }))).toMatch(
      /^Invalid key config: keys\[0\]\.name/,
    );
    const long = 'n'.repeat(10 * 1024 * 1024);
    const message = messageOf(() => parseKeyConfig({ keys: [{ ...full, name: long }] }));
    expect(message.length).toBeLessThan(500);
  });

  it('refuses two entries with the same hash', () => {
    expect(messageOf(() => parseKeyConfig({ keys: [full, { ...full, name: 'again' }] }))).toMatch(
      /keys\[1\] \("again"\)\.hash: the same hash as keys\[0\]/,
    );
  });

  it('refuses what is not a config at all', () => {
    for (const value of [undefined, null, 42, [], {}, { keys: {} }, { keys: 'none' }, '', 'null']) {
      expect(messageOf(() => parseKeyConfig(value))).toMatch(/^Invalid key config: /);
    }
    expect(messageOf(() => parseKeyConfig({ keys: [null] }))).toMatch(/keys\[0\]/);
  });

  it('never crashes on arbitrary input: it parses or throws a TypeError', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.anything(),
          fc.record({ keys: fc.array(fc.anything()) }),
          fc.record({ keys: fc.array(fc.dictionary(fc.string(), fc.jsonValue())) }),
          fc.string(),
        ),
        (value) => {
          try {
            parseKeyConfig(value);
          } catch (err) {
            expect(err).toBeInstanceOf(TypeError);
            expect((err as Error).message).toMatch(/^Invalid key config: /);
          }
        },
      ),
    );
  });
});

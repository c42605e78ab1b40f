import { describe, expect, it } from 'vitest';
import { ApiKeyError } from './errors.js';
import { hashApiKey } from './hash-api-key.js';
import type { StoredApiKey } from './key-store.js';
import {
  generateKeyId,
  identifierSchema,
  keyNameSchema,
  parseCreateApiKeyRecordInput,
  parseKeyScope,
  parseListApiKeyRecordsInput,
  parseRotateApiKeyRecordInput,
  parseUpdateApiKeyRecordInput,
  planRotation,
  prepareApiKey,
  scopeSchema,
  toApiKeyRecord,
} from './key-store-input.js';

describe('the shared schemas', () => {
  it('identifierSchema: printable ASCII without spaces, 1 to 128 characters', () => {
    for (const ok of ['t1', 'tenant_01', 'a'.repeat(128), 'env:prod/eu'])
      expect(identifierSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['', ' ', 'a b', 'é', 'a'.repeat(129), '\n', 1, null]) {
      expect(identifierSchema.safeParse(bad).success).toBe(false);
    }
  });

  it('scopeSchema: like identifiers, up to 100 characters, and * for every scope', () => {
    for (const ok of ['*', 'keys:read', 'a'.repeat(100)]) expect(scopeSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['', 'keys read', 'a'.repeat(101), 5]) expect(scopeSchema.safeParse(bad).success).toBe(false);
  });

  it('keyNameSchema: trimmed, 1 to 255 characters, any script', () => {
    expect(keyNameSchema.parse('  ci  ')).toBe('ci');
    expect(keyNameSchema.parse('clé 🔑')).toBe('clé 🔑');
    for (const bad of ['', '   ', 'x'.repeat(256), 3, 'a\u0000b', 'lone \ud800 half', '\udc00']) {
      expect(keyNameSchema.safeParse(bad).success).toBe(false);
    }
    expect(keyNameSchema.parse('pair \ud83d\udd11')).toBe('pair 🔑');
  });

  it('keyNameSchema: no control characters or bidirectional overrides, which would disguise what a terminal shows', () => {
    const bad = [
      'a\u001b[31mred',
      'line\nbreak',
      'cr\rhere',
      'tab\there',
      'del\u007f',
      'c1\u0085',
      'evil\u202etxt.exe',
    ];
    for (const name of [...bad, 'a\u2066b', 'a\u200fb', 'a\u2028b']) {
      const result = keyNameSchema.safeParse(name);
      expect(result.success).toBe(false);
      expect(result.error?.issues[0]?.message).toBe(
        'must not contain control characters, bidirectional overrides or unpaired UTF-16 surrogates',
      );
    }
    // Scripts written right to left are names like any other.
    expect(keyNameSchema.parse('מפתח ci')).toBe('מפתח ci');
    expect(keyNameSchema.parse('مفتاح')).toBe('مفتاح');
  });
});

describe('the parse functions', () => {
  it('parseCreateApiKeyRecordInput fills in null and [] defaults', () => {
    expect(parseCreateApiKeyRecordInput({ tenantId: 't', environmentId: 'e', name: 'n' })).toEqual({
      tenantId: 't',
      environmentId: 'e',
      name: 'n',
      userId: null,
      expiresAt: null,
      scopes: [],
    });
    expect(() => parseCreateApiKeyRecordInput({ tenantId: 't', environmentId: 'e', name: 'n', x: 1 })).toThrow(
      TypeError,
    );
  });

  it('parseKeyScope keeps only tenant and environment', () => {
    expect(parseKeyScope({ tenantId: 't', environmentId: 'e' })).toEqual({ tenantId: 't', environmentId: 'e' });
    expect(() => parseKeyScope({ tenantId: 't' })).toThrow(/Invalid key scope: environmentId/);
  });

  it('parseUpdateApiKeyRecordInput takes name and active only', () => {
    expect(parseUpdateApiKeyRecordInput(undefined)).toEqual({});
    expect(parseUpdateApiKeyRecordInput({ name: ' x ', active: false })).toEqual({ name: 'x', active: false });
    expect(() => parseUpdateApiKeyRecordInput({ scopes: [] })).toThrow(/Invalid key update/);
  });

  it('parseListApiKeyRecordsInput defaults to limit 50, offset 0, and bounds limit to 1..100', () => {
    expect(parseListApiKeyRecordsInput(undefined)).toEqual({ limit: 50, offset: 0 });
    expect(parseListApiKeyRecordsInput({ limit: 1, offset: 9 })).toEqual({ limit: 1, offset: 9 });
    expect(parseListApiKeyRecordsInput({ limit: 100 })).toEqual({ limit: 100, offset: 0 });
    expect(() => parseListApiKeyRecordsInput({ limit: 101 })).toThrow(/limit/);
    expect(() => parseListApiKeyRecordsInput({ limit: 0 })).toThrow(/limit/);
  });

  it('parseRotateApiKeyRecordInput defaults to no grace period, and allows up to 30 days', () => {
    expect(parseRotateApiKeyRecordInput(undefined)).toEqual({ gracePeriodSeconds: 0 });
    expect(parseRotateApiKeyRecordInput({ gracePeriodSeconds: 30 * 24 * 3600 })).toEqual({
      gracePeriodSeconds: 2_592_000,
    });
    expect(() => parseRotateApiKeyRecordInput({ gracePeriodSeconds: 30 * 24 * 3600 + 1 })).toThrow(
      /gracePeriodSeconds/,
    );
  });
});

describe('generateKeyId', () => {
  it('is key_ and 24 random hex characters', () => {
    const ids = new Set(Array.from({ length: 100 }, generateKeyId));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^key_[0-9a-f]{24}$/);
  });
});

describe('prepareApiKey and toApiKeyRecord', () => {
  it('returns the key beside a record that holds only its hash', () => {
    const now = new Date('2030-05-05T00:00:00Z');
    const { key, record } = prepareApiKey({ tenantId: 't', environmentId: 'e', name: 'n', scopes: ['a', 'a'] }, now);
    expect(record).toMatchObject({
      hash: hashApiKey(key),
      scopes: ['a'],
      active: true,
      createdAt: now,
      updatedAt: now,
    });
    expect(JSON.stringify(record)).not.toContain(key);
    const apiKey = toApiKeyRecord(record);
    expect(apiKey).not.toHaveProperty('hash');
    apiKey.scopes.push('b');
    expect(record.scopes).toEqual(['a']);
  });

  it('refuses bad input before making a key', () => {
    expect(() => prepareApiKey({ tenantId: 't' })).toThrow(/Invalid key input/);
  });
});

describe('planRotation', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const old = {
    id: 'key_old',
    hash: 'a'.repeat(64),
    name: 'ci',
    type: 'private_key' as const,
    displayId: 'abcdef***00',
    tenantId: 't',
    environmentId: 'e',
    userId: 'u',
    scopes: ['keys:read'],
    active: true,
    expiresAt: null,
    lastUsedAt: null,
    createdAt: now,
    updatedAt: now,
  };

  it('gives the successor what the old key was, and revokes the old one at once with no grace', () => {
    const plan = planRotation(old, 0, now);
    expect(plan.successor).toEqual({
      tenantId: 't',
      environmentId: 'e',
      userId: 'u',
      name: 'ci',
      scopes: ['keys:read'],
      expiresAt: null,
    });
    expect(plan.successor.scopes).not.toBe(old.scopes);
    expect(plan.oldKeyExpiresAt).toBeNull();
  });

  it('lets the old key expire at the end of the grace period, never later than it would have', () => {
    expect(planRotation(old, 60, now).oldKeyExpiresAt).toEqual(new Date('2030-01-01T00:01:00Z'));
    const soon = new Date('2030-01-01T00:00:30Z');
    expect(planRotation({ ...old, expiresAt: soon }, 60, now).oldKeyExpiresAt).toEqual(soon);
    const late = new Date('2031-01-01T00:00:00Z');
    expect(planRotation({ ...old, expiresAt: late }, 60, now).oldKeyExpiresAt).toEqual(
      new Date('2030-01-01T00:01:00Z'),
    );
  });

  it('refuses an inactive, an expired or an already rotated key with 409 conflict, saying why', () => {
    const cases: [StoredApiKey, RegExp][] = [
      [{ ...old, active: false }, /: it is inactive$/],
      [{ ...old, expiresAt: now }, /: it has expired$/],
      [{ ...old, expiresAt: new Date(now.getTime() - 1) }, /: it has expired$/],
      [{ ...old, successorId: 'key_next' }, /: it was already rotated/],
      [{ ...old, successorId: 'key_next', active: false, expiresAt: now }, /: it was already rotated/],
    ];
    for (const [key, why] of cases) {
      for (const grace of [0, 60]) {
        let thrown: unknown;
        try {
          planRotation(key, grace, now);
        } catch (err) {
          thrown = err;
        }
        expect(thrown).toBeInstanceOf(ApiKeyError);
        expect(thrown).toMatchObject({ code: 'conflict', status: 409 });
        expect((thrown as Error).message).toMatch(/^API key cannot be rotated: /);
        expect((thrown as Error).message).toMatch(why);
      }
    }
    // A key one millisecond from its expiry, or one whose successor field is null, still rotates.
    const lastMoment = { ...old, expiresAt: new Date(now.getTime() + 1), successorId: null };
    expect(planRotation(lastMoment, 0, now).successor.expiresAt).toEqual(lastMoment.expiresAt);
  });
});

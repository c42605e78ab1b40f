import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashApiKey } from './hash-api-key.js';
import {
  isIdempotencyKey,
  planIdempotentCreate,
  planIdempotentRotation,
  replayIdempotentResult,
  sealIdempotentResult,
} from './idempotency.js';
import { prepareApiKey, toApiKeyRecord } from './key-store-input.js';

const scope = { tenantId: 't1', environmentId: 'prod' };
const input = {
  ...scope,
  userId: 'u1',
  name: 'ci',
  scopes: ['keys:read'],
  expiresAt: new Date('2031-01-01T00:00:00Z'),
};

function created() {
  const { key, record } = prepareApiKey(input, new Date('2030-01-01T00:00:00Z'));
  return { key, apiKey: toApiKeyRecord(record) };
}

describe('idempotent results', () => {
  it('seals a result so that neither the key nor its hash can be read without the idempotency key', () => {
    const idempotencyKey = randomBytes(32).toString('base64url');
    const call = planIdempotentCreate(input, idempotencyKey);
    const result = created();
    const sealed = sealIdempotentResult(call, result);
    expect(sealed).not.toContain(result.key);
    expect(sealed).not.toContain(hashApiKey(result.key));
    expect(sealed).not.toContain(result.apiKey.id);
    expect(call.keyHash).not.toContain(idempotencyKey);
    expect(replayIdempotentResult(call, { fingerprint: call.fingerprint, sealed })).toEqual({
      ...result,
      replayed: true,
    });
  });

  it('does not open with another idempotency key, scope or altered bytes', () => {
    const call = planIdempotentCreate(input, 'a'.repeat(40));
    const sealed = sealIdempotentResult(call, created());
    const other = { ...planIdempotentCreate(input, 'b'.repeat(40)), fingerprint: call.fingerprint };
    const elsewhere = planIdempotentCreate({ ...input, tenantId: 't2' }, 'a'.repeat(40));
    const flipped = `${sealed.slice(0, -2)}${sealed.endsWith('A') ? 'B' : 'A'}${sealed.slice(-1)}`;
    for (const [c, s] of [
      [other, sealed],
      [elsewhere, sealed],
      [call, flipped],
      [call, 'v2.x.y.z'],
    ] as const) {
      expect(() => replayIdempotentResult(c, { fingerprint: c.fingerprint, sealed: s })).toThrow(
        expect.objectContaining({ code: 'internal_error' }),
      );
    }
  });

  it('refuses another request under the same key with idempotency_key_reused (422)', () => {
    const call = planIdempotentCreate(input, 'k'.repeat(32));
    const sealed = sealIdempotentResult(call, created());
    for (const changed of [
      planIdempotentCreate({ ...input, name: 'other' }, 'k'.repeat(32)),
      planIdempotentCreate({ ...input, scopes: ['keys:read', 'x'] }, 'k'.repeat(32)),
      planIdempotentCreate({ ...input, expiresAt: null }, 'k'.repeat(32)),
      planIdempotentRotation(scope, 'key_1', 0, 'k'.repeat(32)),
    ]) {
      expect(() => replayIdempotentResult(changed, { fingerprint: call.fingerprint, sealed })).toThrow(
        expect.objectContaining({ code: 'idempotency_key_reused', status: 422 }),
      );
    }
  });

  it('accepts only long, printable idempotency keys', () => {
    expect(isIdempotencyKey(randomBytes(32).toString('base64url'))).toBe(true);
    expect(isIdempotencyKey('x'.repeat(255))).toBe(true);
    for (const bad of [
      '',
      'x'.repeat(31),
      'x'.repeat(256),
      `${'x'.repeat(40)} `,
      `${'x'.repeat(40)}\n`,
      'é'.repeat(40),
      42,
    ]) {
      expect(isIdempotencyKey(bad)).toBe(false);
    }
  });
});

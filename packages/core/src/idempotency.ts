// Idempotent create and rotate, for every store: a retried call with the same Idempotency-Key
// gets the first call's result back instead of a second key. That result holds the plaintext
// key, which keyward never stores in the clear, so a store keeps it sealed (AES-256-GCM) under a
// key derived (HKDF-SHA256) from the idempotency key itself, and finds it by the idempotency
// key's SHA-256: the database alone cannot recover the plaintext, only the holder of the
// idempotency key can, and only within the 24 hours the record is honoured.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { ApiKeyError } from './errors.js';
import type { ApiKeyRecord, CreateApiKeyRecordInput, CreatedApiKeyRecord, KeyScope } from './key-store.js';

/** How long a store honours an idempotency key: 24 hours. Older records are ignored and pruned. */
export const IDEMPOTENCY_WINDOW_MS = 24 * 60 * 60 * 1000;

/**
 * What an idempotency key must be: 32 to 255 printable ASCII characters without spaces. Short
 * keys are refused because the key is what protects the stored result: it must be unguessable.
 */
export const IDEMPOTENCY_KEY_RULE = {
  minLength: 32,
  maxLength: 255,
  pattern: /^[\x21-\x7e]{32,255}$/,
  message: 'must be 32 to 255 printable ASCII characters without spaces (32 random bytes, say)',
} as const;

/** Whether `value` is an acceptable idempotency key. */
export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && IDEMPOTENCY_KEY_RULE.pattern.test(value);
}

/** One create or rotate made idempotent: where its record lives and what request it was. */
export interface IdempotentCall {
  scope: KeyScope;
  /** SHA-256 of the idempotency key, hex: the record is looked up by it. */
  keyHash: string;
  /** SHA-256 of the request: the same key with another request is refused. */
  fingerprint: string;
  /** The idempotency key itself: it never leaves the process; only what is derived from it is stored. */
  idempotencyKey: string;
}

/** What a store keeps per tenant, environment and idempotency key hash. */
export interface IdempotencyRecord {
  fingerprint: string;
  /** The call's result, sealed by {@link sealIdempotentResult}. */
  sealed: string;
  createdAt: Date;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function planCall(scope: KeyScope, idempotencyKey: string, request: readonly unknown[]): IdempotentCall {
  return {
    scope: { tenantId: scope.tenantId, environmentId: scope.environmentId },
    keyHash: sha256(idempotencyKey),
    fingerprint: sha256(JSON.stringify(request)),
    idempotencyKey,
  };
}

/** The idempotent call of a create, from its already parsed input. */
export function planIdempotentCreate(
  input: CreateApiKeyRecordInput & { scopes: string[] },
  idempotencyKey: string,
): IdempotentCall {
  const scopes = [...new Set(input.scopes)];
  const expiresAt = input.expiresAt ? input.expiresAt.getTime() : null;
  return planCall(input, idempotencyKey, ['create', input.userId ?? null, input.name, scopes, expiresAt]);
}

/** The idempotent call of a rotation, from its already parsed scope and options. */
export function planIdempotentRotation(
  scope: KeyScope,
  id: string,
  gracePeriodSeconds: number,
  idempotencyKey: string,
): IdempotentCall {
  return planCall(scope, idempotencyKey, ['rotate', id, gracePeriodSeconds]);
}

/** Whether a record made at `createdAt` is still honoured at `now`. */
export function isIdempotencyRecordLive(createdAt: Date, now: Date): boolean {
  return now.getTime() - createdAt.getTime() < IDEMPOTENCY_WINDOW_MS;
}

const SEAL_VERSION = 'v1';

function sealKey(call: IdempotentCall): Buffer {
  const info = `keyward idempotency ${SEAL_VERSION}`;
  return Buffer.from(hkdfSync('sha256', call.idempotencyKey, call.keyHash, info, 32));
}

// The record is bound to where it is stored and to its request: a sealed result copied to
// another row, tenant or request does not open.
function associatedData(call: IdempotentCall): Buffer {
  const { tenantId, environmentId } = call.scope;
  return Buffer.from(JSON.stringify([tenantId, environmentId, call.keyHash, call.fingerprint]));
}

/** The result of `call`, encrypted for its record: opened only with the idempotency key. */
export function sealIdempotentResult(call: IdempotentCall, result: CreatedApiKeyRecord): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', sealKey(call), iv);
  cipher.setAAD(associatedData(call));
  const plain = JSON.stringify({ key: result.key, apiKey: result.apiKey });
  const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  const parts = [iv, sealed, cipher.getAuthTag()].map((b) => b.toString('base64url'));
  return `${SEAL_VERSION}.${parts.join('.')}`;
}

const date = (value: unknown) => (value === null ? null : new Date(value as string));

/**
 * The first call's result for a retry of `call`, marked `replayed`.
 *
 * @throws ApiKeyError `idempotency_key_reused` (422) when the record is of another request;
 *   `internal_error` when it does not open (it was altered).
 */
export function replayIdempotentResult(
  call: IdempotentCall,
  record: Pick<IdempotencyRecord, 'fingerprint' | 'sealed'>,
): CreatedApiKeyRecord & { replayed: true } {
  if (record.fingerprint !== call.fingerprint) throw new ApiKeyError('idempotency_key_reused');
  let opened: { key: string; apiKey: Record<string, unknown> };
  try {
    const [version, iv, sealed, tag] = record.sealed.split('.');
    if (version !== SEAL_VERSION || iv === undefined || sealed === undefined || tag === undefined) {
      throw new Error('unknown format');
    }
    const decipher = createDecipheriv('aes-256-gcm', sealKey(call), Buffer.from(iv, 'base64url'));
    decipher.setAAD(associatedData(call));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed, 'base64url')), decipher.final()]);
    opened = JSON.parse(plain.toString('utf8'));
  } catch (err) {
    throw new ApiKeyError('internal_error', {
      message: 'The stored result of this Idempotency-Key cannot be read',
      cause: err,
    });
  }
  const { apiKey } = opened;
  const apiKeyRecord: ApiKeyRecord = {
    ...(apiKey as unknown as ApiKeyRecord),
    expiresAt: date(apiKey.expiresAt),
    lastUsedAt: date(apiKey.lastUsedAt),
    createdAt: new Date(apiKey.createdAt as string),
    updatedAt: new Date(apiKey.updatedAt as string),
  };
  return { key: opened.key, apiKey: apiKeyRecord, replayed: true };
}

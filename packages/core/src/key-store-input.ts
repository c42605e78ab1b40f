import { randomBytes } from 'node:crypto';
import { formatIssue } from './describe-issue.js';
import { toDisplayId } from './display-id.js';
import { ApiKeyError } from './errors.js';
import { generateApiKey } from './generate-api-key.js';
import { hashApiKey } from './hash-api-key.js';
import { IDEMPOTENCY_KEY_RULE } from './idempotency.js';
import {
  arrayOf,
  boolean,
  integer,
  looseObject,
  nullish,
  optional,
  refine,
  type Schema,
  strictObject,
  text,
  validDate,
} from './input-schema.js';
import { decodeKeyListCursor, encodeKeyListCursor, type KeyListPosition } from './key-list-cursor.js';
import type {
  ApiKeyRecord,
  ApiKeyRecordPage,
  CreateApiKeyRecordInput,
  CreateApiKeyRecordOptions,
  KeyScope,
  ListApiKeyRecordsInput,
  StoredApiKey,
  UpdateApiKeyRecordInput,
} from './key-store.js';

// Shared by every store so that the memory store, PostgreSQL and any store built on these
// helpers accept and refuse exactly the same input.

/**
 * The rules for the fields of a key, as plain values, so that a server's own schemas (the
 * reference server's zod schemas and OpenAPI document) state exactly the rules every store
 * enforces, without this package's zod types in its public API.
 */
export const FIELD_RULES = {
  /** A tenant, environment or user id: printable ASCII, no spaces. */
  identifier: {
    minLength: 1,
    maxLength: 128,
    pattern: /^[\x21-\x7e]+$/,
    message: 'must be printable ASCII without spaces',
  },
  /** A scope such as `keys:read`, or `*` for every scope. */
  scope: { minLength: 1, maxLength: 100, pattern: /^[\x21-\x7e]+$/, message: 'must be printable ASCII without spaces' },
  /** How many scopes a key may hold. */
  scopes: { maxItems: 100 },
  /**
   * A key's name, for people: 1 to 255 characters of any script once trimmed. Control
   * characters (C0, DEL, C1: NUL, CR, LF, ESC, ...) and the bidirectional marks and overrides
   * are refused, since a name is printed in terminals, logs and the dashboard, where an escape
   * sequence or a right-to-left override would disguise what is shown. Unpaired UTF-16
   * surrogates are refused too: UTF-8 turns one into U+FFFD, so no store could keep the name
   * as given.
   */
  keyName: {
    minLength: 1,
    maxLength: 255,
    forbidden: /[\p{Cc}\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069]|\p{Surrogate}/u,
    message: 'must not contain control characters, bidirectional overrides or unpaired UTF-16 surrogates',
  },
} as const;

const { identifier, scope, keyName } = FIELD_RULES;

/** An identifier: a tenant, environment or user id. */
export const identifierSchema = text(identifier);

/** A scope such as `keys:read`, or `*` for every scope. */
export const scopeSchema = text(scope);

/** A key's name, for people. */
export const keyNameSchema = text({ ...keyName, trim: true });

const createInputSchema = strictObject({
  tenantId: identifierSchema,
  environmentId: identifierSchema,
  userId: nullish(identifierSchema),
  name: keyNameSchema,
  scopes: optional(arrayOf(scopeSchema, FIELD_RULES.scopes.maxItems)),
  expiresAt: nullish(validDate),
});

const scopeInputSchema = looseObject({ tenantId: identifierSchema, environmentId: identifierSchema });

const updateInputSchema = strictObject({
  name: optional(keyNameSchema),
  active: optional(boolean),
});

const listOptionsSchema = refine(
  strictObject({
    limit: integer(1, 100, 50),
    offset: integer(0, Number.MAX_SAFE_INTEGER, 0),
    cursor: optional(
      refine(
        text({ minLength: 0, maxLength: Number.MAX_SAFE_INTEGER }),
        (cursor, reject) => decodeKeyListCursor(cursor) ?? reject('must be the nextCursor of an earlier page'),
      ),
    ),
  }),
  (options, reject) =>
    options.cursor !== undefined && options.offset !== 0
      ? reject('cannot be combined with an offset', 'cursor')
      : options,
);

// The pattern carries the lengths, so every refusal names the whole rule.
const idempotencyKeySchema = optional(
  text({
    minLength: 0,
    maxLength: Number.MAX_SAFE_INTEGER,
    pattern: IDEMPOTENCY_KEY_RULE.pattern,
    message: IDEMPOTENCY_KEY_RULE.message,
  }),
);

const createOptionsSchema = strictObject({ idempotencyKey: idempotencyKeySchema });

const rotateOptionsSchema = strictObject({
  gracePeriodSeconds: integer(0, 30 * 24 * 3600, 0),
  idempotencyKey: idempotencyKeySchema,
});

/** Parses with a schema or throws a TypeError naming the field. Internal: shared by the input parsers. */
export function parse<T>(schema: Schema<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new TypeError(`Invalid ${what}: ${formatIssue(result.error.issues[0], [], what)}`);
  }
  return result.data;
}

/** Validates a create input; throws a TypeError naming the bad field. */
export function parseCreateApiKeyRecordInput(input: unknown): CreateApiKeyRecordInput & { scopes: string[] } {
  const parsed = parse(createInputSchema, input, 'key input');
  return { ...parsed, userId: parsed.userId ?? null, expiresAt: parsed.expiresAt ?? null, scopes: parsed.scopes ?? [] };
}

/** Validates a tenant and environment scope; throws a TypeError naming the bad field. */
export function parseKeyScope(scope: unknown): KeyScope {
  return parse(scopeInputSchema, scope, 'key scope');
}

/** Validates an update; throws a TypeError naming the bad field. */
export function parseUpdateApiKeyRecordInput(input: unknown): UpdateApiKeyRecordInput {
  return parse(updateInputSchema, input ?? {}, 'key update');
}

/** Paging as a store applies it: see {@link parseListApiKeyRecordsInput}. */
export interface KeyListPaging {
  limit: number;
  offset: number;
  /** Where the page starts, from the cursor: only keys after it (newest first), or `undefined`. */
  after: KeyListPosition | undefined;
}

/**
 * Validates paging and fills in the defaults (limit 50, offset 0); a cursor becomes the
 * position the page starts after. A malformed cursor, or one with an offset, is a TypeError.
 */
export function parseListApiKeyRecordsInput(options: ListApiKeyRecordsInput | undefined): KeyListPaging {
  const { limit, offset, cursor } = parse(listOptionsSchema, options ?? {}, 'list options');
  return { limit, offset, after: cursor };
}

/**
 * One page from the keys of a scope that come after the page's start, newest first, for
 * stores: fetch `limit + 1` of them and hand them here with the count of keys before the start.
 */
export function toApiKeyRecordPage(
  rows: readonly StoredApiKey[],
  paging: KeyListPaging,
  counts: { total: number; before: number },
): ApiKeyRecordPage {
  const items = rows.slice(0, paging.limit);
  const last = items[items.length - 1];
  const more = rows.length > paging.limit && last !== undefined;
  return {
    items: items.map(toApiKeyRecord),
    total: counts.total,
    offset: counts.before,
    nextCursor: more ? encodeKeyListCursor(last) : null,
  };
}

/** Validates create options (the idempotency key). */
export function parseCreateApiKeyRecordOptions(options: unknown): CreateApiKeyRecordOptions {
  return parse(createOptionsSchema, options ?? {}, 'create options');
}

/** Validates rotation options and fills in the default (no grace period). */
export function parseRotateApiKeyRecordInput(options: unknown): {
  gracePeriodSeconds: number;
  idempotencyKey?: string | undefined;
} {
  return parse(rotateOptionsSchema, options ?? {}, 'rotate options');
}

/** A new key id: `key_` and 24 random hex characters. */
export function generateKeyId(): string {
  return `key_${randomBytes(12).toString('hex')}`;
}

/**
 * Makes a new key and the record a store keeps for it, for store implementations. The
 * plaintext is returned beside the record, never inside it.
 */
export function prepareApiKey(input: unknown, now: Date = new Date()): { key: string; record: StoredApiKey } {
  const parsed = parseCreateApiKeyRecordInput(input);
  const key = generateApiKey();
  const record: StoredApiKey = {
    id: generateKeyId(),
    hash: hashApiKey(key),
    name: parsed.name,
    type: 'private_key',
    displayId: toDisplayId(key),
    tenantId: parsed.tenantId,
    environmentId: parsed.environmentId,
    userId: parsed.userId ?? null,
    scopes: [...new Set(parsed.scopes)],
    active: true,
    expiresAt: parsed.expiresAt ?? null,
    successorId: null,
    lastUsedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  return { key, record };
}

/** The record without its hash: what a store hands to callers. */
export function toApiKeyRecord(stored: StoredApiKey): ApiKeyRecord {
  const { hash: _hash, ...record } = stored;
  return { ...record, scopes: [...record.scopes] };
}

/** What a rotation does, for store implementations (see {@link planRotation}). */
export interface RotationPlan {
  /** The new key's input: the old key's tenant, environment, user, name, scopes and expiry. */
  successor: CreateApiKeyRecordInput & { scopes: string[] };
  /**
   * When the old key stops working, or `null` to revoke it at once (no grace period). With a
   * grace period the store also sets the old key's `successorId` to the successor's id, in the
   * same atomic step, so that no second rotation of it can succeed.
   */
  oldKeyExpiresAt: Date | null;
}

/**
 * Why a key cannot be rotated at `now`, or `null` when it can. Rotation hands out a fresh
 * plaintext that works at once, so it must not bring back a key that was switched off
 * (deactivated, expired) nor give one key two successors (a key in its grace period).
 */
function refuseRotation(old: StoredApiKey, now: Date): string | null {
  // Checked first: a key in its grace period says so even once the grace has ended.
  if (old.successorId) return 'API key cannot be rotated: it was already rotated, and a key has one successor';
  if (!old.active) return 'API key cannot be rotated: it is inactive';
  // Expired from the instant of its expiry on, as the authenticator counts it.
  if (old.expiresAt !== null && old.expiresAt.getTime() <= now.getTime()) {
    return 'API key cannot be rotated: it has expired';
  }
  return null;
}

/**
 * The one rule of rotation every store follows. Only an active, unexpired key that has not been
 * rotated before can be rotated; the successor inherits what the old key was, and the old key is
 * revoked at once or expires at the end of the grace period, which only ever shortens its life,
 * never extends it. A store calls this on the old key as it stands inside the step that writes
 * the rotation (under a row lock, say), so that of rotations racing on one key exactly one passes.
 *
 * @throws ApiKeyError `conflict` (409) naming why the key cannot be rotated.
 */
export function planRotation(old: StoredApiKey, gracePeriodSeconds: number, now: Date): RotationPlan {
  const refusal = refuseRotation(old, now);
  if (refusal !== null) throw new ApiKeyError('conflict', { message: refusal });
  const successor = {
    tenantId: old.tenantId,
    environmentId: old.environmentId,
    userId: old.userId,
    name: old.name,
    scopes: [...old.scopes],
    expiresAt: old.expiresAt,
  };
  if (gracePeriodSeconds === 0) return { successor, oldKeyExpiresAt: null };
  const graceEnd = new Date(now.getTime() + gracePeriodSeconds * 1000);
  const oldKeyExpiresAt = old.expiresAt !== null && old.expiresAt <= graceEnd ? old.expiresAt : graceEnd;
  return { successor, oldKeyExpiresAt };
}

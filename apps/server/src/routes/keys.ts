import { type ApiKeyContext, ApiKeyError, type ApiKeyRecord, hasScopes } from '@keyward/core';
import { defineOperation, type Operation } from '../operation.js';
import {
  apiKeyListSchema,
  apiKeySchema,
  createdApiKeySchema,
  createKeyBodySchema,
  keyIdParamsSchema,
  listKeysQuerySchema,
  rotateKeyBodySchema,
  updateKeyBodySchema,
} from '../schemas.js';
import { toWireApiKey } from '../wire.js';
import { keyScopeOf } from './context.js';

const READ = ['keys:read'];
const WRITE = ['keys:write'];
const NOT_FOUND = 'not_found: no such key in this tenant and environment';

function notFound(): ApiKeyError {
  // The same answer for "no such key" and "another tenant's key": nothing outside the caller's
  // tenant and environment can be confirmed to exist.
  return new ApiKeyError('not_found', { message: 'API key not found' });
}

/**
 * Refuses to rotate or reactivate a key the caller could not have created itself, since either
 * hands the caller (or whoever holds the key) a working key again: one with a scope the caller
 * lacks, or one bound to another user. Create binds a new key to the caller's own user, so a
 * caller may act only on keys of that user, and a caller without a user only on keys without
 * one. A key's scopes and user never change, so checking the record read before the write is
 * enough.
 */
function assertCouldHaveCreated(caller: ApiKeyContext, target: ApiKeyRecord, action: 'rotate' | 'reactivate'): void {
  if (!hasScopes(caller.scopes, target.scopes)) {
    throw new ApiKeyError('insufficient_scope', {
      message: `A key can only ${action} keys whose scopes it holds itself`,
    });
  }
  if (target.userId !== caller.userId) {
    throw new ApiKeyError('insufficient_scope', {
      message: `A key can only ${action} keys of its own user (a key without a user: keys without one)`,
    });
  }
}

/**
 * The key-management operations under `/v1/secrets/api/keys`. Every call is confined to the
 * calling key's tenant and environment.
 */
export const keyOperations: readonly Operation[] = [
  defineOperation({
    operationId: 'listApiKeys',
    method: 'GET',
    path: '/v1/secrets/api/keys',
    auth: 'apiKey',
    scopes: READ,
    summary: 'List keys, newest first',
    description:
      "Walk through every key with cursor: pass each page's pagination.next_cursor until it is null. Paging by offset repeats or skips keys when keys are created or revoked between pages.",
    tags: ['keys'],
    query: listKeysQuerySchema,
    response: { status: 200, description: 'One page of keys', schema: apiKeyListSchema },
    handler: async ({ apiKey, query: { limit, offset, cursor } }, { storage, now }) => {
      const page = await storage.keys.list(
        keyScopeOf(apiKey),
        cursor === undefined ? { limit, offset } : { limit, cursor },
      );
      const at = now();
      return {
        items: page.items.map((record) => toWireApiKey(record, at)),
        pagination: { total: page.total, limit, offset: page.offset, next_cursor: page.nextCursor },
      };
    },
  }),

  defineOperation({
    operationId: 'createApiKey',
    method: 'POST',
    path: '/v1/secrets/api/keys',
    auth: 'apiKey',
    scopes: WRITE,
    summary: 'Create a key',
    description:
      "The new key gets the calling key's scopes unless the body asks for fewer; never more. With an Idempotency-Key, a retry gets the same key back instead of a second one.",
    tags: ['keys'],
    body: { schema: createKeyBodySchema },
    idempotencyKey: true,
    response: {
      status: 201,
      description: 'The new key, shown this once, and its record',
      schema: createdApiKeySchema,
      noStore: true,
    },
    handler: async ({ apiKey, body, reply, idempotencyKey }, { storage, now }) => {
      const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
      if (expiresAt !== null && expiresAt.getTime() <= now().getTime()) {
        throw new ApiKeyError('validation_error', { message: 'body.expires_at: must be in the future' });
      }
      // A new key gets the creator's scopes unless it asks for fewer; never more, or any
      // keys:write key could mint itself a `*` key.
      const scopes = body.scopes ?? apiKey.scopes;
      if (!hasScopes(apiKey.scopes, scopes)) {
        throw new ApiKeyError('insufficient_scope', {
          message: 'body.scopes: a key can only grant scopes it holds itself',
        });
      }
      const created = await storage.keys.create(
        { ...keyScopeOf(apiKey), userId: apiKey.userId, name: body.name, scopes, expiresAt },
        idempotencyKey === undefined ? {} : { idempotencyKey },
      );
      if (created.replayed) reply.header('idempotent-replayed', 'true');
      return { api_key: created.key, secret: toWireApiKey(created.apiKey, now()) };
    },
  }),

  defineOperation({
    operationId: 'getApiKey',
    method: 'GET',
    path: '/v1/secrets/api/keys/{id}',
    auth: 'apiKey',
    scopes: READ,
    summary: 'Get a key',
    tags: ['keys'],
    params: keyIdParamsSchema,
    response: { status: 200, description: 'The key', schema: apiKeySchema },
    errors: { 404: NOT_FOUND },
    handler: async ({ apiKey, params }, { storage, now }) => {
      const found = await storage.keys.get(keyScopeOf(apiKey), params.id);
      if (!found) throw notFound();
      return toWireApiKey(found, now());
    },
  }),

  defineOperation({
    operationId: 'updateApiKey',
    method: 'PATCH',
    path: '/v1/secrets/api/keys/{id}',
    auth: 'apiKey',
    scopes: WRITE,
    summary: 'Rename, deactivate or reactivate a key',
    description:
      'Renaming and deactivating need only keys:write. Reactivating (`active: true`) also needs every scope of the key and its user (or, for a caller without a user, a key without one): only a key that could have created it may bring it back. A reactivated key that has expired stays expired.',
    tags: ['keys'],
    params: keyIdParamsSchema,
    body: { schema: updateKeyBodySchema },
    response: { status: 200, description: 'The changed key', schema: apiKeySchema },
    errors: { 404: NOT_FOUND },
    handler: async ({ apiKey, params, body }, { storage, now }) => {
      if (body.active === true) {
        const existing = await storage.keys.get(keyScopeOf(apiKey), params.id);
        if (!existing) throw notFound();
        // Deactivation is a PATCH anyone with keys:write may make; its undoing must not be.
        assertCouldHaveCreated(apiKey, existing, 'reactivate');
      }
      const updated = await storage.keys.update(keyScopeOf(apiKey), params.id, body);
      if (!updated) throw notFound();
      return toWireApiKey(updated, now());
    },
  }),

  defineOperation({
    operationId: 'revokeApiKey',
    method: 'DELETE',
    path: '/v1/secrets/api/keys/{id}',
    auth: 'apiKey',
    scopes: WRITE,
    summary: 'Revoke a key at once',
    tags: ['keys'],
    params: keyIdParamsSchema,
    response: { status: 204, description: 'Revoked' },
    errors: { 404: NOT_FOUND },
    handler: async ({ apiKey, params }, { storage }) => {
      if (!(await storage.keys.revoke(keyScopeOf(apiKey), params.id))) throw notFound();
    },
  }),

  defineOperation({
    operationId: 'rotateApiKey',
    method: 'POST',
    path: '/v1/secrets/api/keys/{id}/rotate',
    auth: 'apiKey',
    scopes: WRITE,
    summary: 'Replace a key, keeping the old one for a grace period',
    description:
      'Issues a successor with the same name, scopes, user and expiry. Needs every scope of the rotated key and its user (or, for a caller without a user, a key without one), since rotation hands out a fresh key with them. Only an active, unexpired key that has not been rotated before can be rotated: a key has exactly one successor, so a key in its grace period cannot be rotated again (rotate the successor instead), and a deactivated or expired key is not brought back. With an Idempotency-Key, a retry gets the same successor back, even after the old key is gone or is in its grace period.',
    tags: ['keys'],
    params: keyIdParamsSchema,
    idempotencyKey: true,
    // An empty body means "no grace period", like `{}`.
    body: { schema: rotateKeyBodySchema, required: false },
    response: {
      status: 201,
      description: 'The new key, shown this once, and its record',
      schema: createdApiKeySchema,
      noStore: true,
    },
    errors: {
      404: NOT_FOUND,
      409: 'conflict: the key is inactive, has expired, or was already rotated (it is in its grace period); the message says which',
    },
    handler: async ({ apiKey, params, body, reply, idempotencyKey }, { storage, now }) => {
      const scope = keyScopeOf(apiKey);
      const existing = await storage.keys.get(scope, params.id);
      // A retried rotation without grace finds the old key gone: the store may still hold its
      // answer under the Idempotency-Key, so only a call without one stops here.
      if (!existing && idempotencyKey === undefined) throw notFound();
      // Rotation hands out a fresh plaintext with the old key's scopes and user: without this,
      // rotate would be a way round the subset rule of create, and a way to act as another user.
      if (existing) assertCouldHaveCreated(apiKey, existing, 'rotate');
      // The store refuses (409 conflict) an inactive, expired or already rotated key, atomically;
      // a retry with the same Idempotency-Key gets the stored successor back before that check.
      const rotated = await storage.keys.rotate(scope, params.id, {
        gracePeriodSeconds: body?.grace_period_seconds ?? 0,
        ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      });
      if (!rotated) throw notFound();
      // A replay of a rotation whose old key is gone was not checked above: the successor has
      // the old key's scopes and user, so the same rule applies to it.
      if (!existing) assertCouldHaveCreated(apiKey, rotated.apiKey, 'rotate');
      if (rotated.replayed) reply.header('idempotent-replayed', 'true');
      return { api_key: rotated.key, secret: toWireApiKey(rotated.apiKey, now()) };
    },
  }),
];

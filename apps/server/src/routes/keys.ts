import { ApiKeyError, hasScopes, type ManagedKeyStore } from '@keyward/core';
import { getApiKey } from '@keyward/fastify';
import type { FastifyInstance } from 'fastify';
import { createKeyBodySchema, listKeysQuerySchema, rotateKeyBodySchema, updateKeyBodySchema } from '../schemas.js';
import { validate } from '../validate.js';
import { toWireApiKey } from '../wire.js';
import { keyScopeOf } from './context.js';

/** Options for {@link keyRoutes}. */
export interface KeyRoutesOptions {
  store: ManagedKeyStore;
  now: () => Date;
}

const READ = { keyward: { scopes: ['keys:read'] } };
const WRITE = { keyward: { scopes: ['keys:write'] } };

function notFound(): ApiKeyError {
  // The same answer for "no such key" and "another tenant's key": nothing outside the caller's
  // tenant and environment can be confirmed to exist.
  return new ApiKeyError('not_found', { message: 'API key not found' });
}

/**
 * The key-management routes of DESIGN.md section 4, under `/v1/secrets/api/keys`. Every call is
 * confined to the calling key's tenant and environment.
 */
export async function keyRoutes(app: FastifyInstance, options: KeyRoutesOptions): Promise<void> {
  const { store, now } = options;

  app.get('/v1/secrets/api/keys', { config: READ }, async (request) => {
    const context = getApiKey(request);
    const { limit, offset } = validate(listKeysQuerySchema, request.query ?? {}, 'query');
    const page = await store.list(keyScopeOf(context), { limit, offset });
    return { items: page.items.map(toWireApiKey), pagination: { total: page.total, limit, offset } };
  });

  app.post('/v1/secrets/api/keys', { config: WRITE }, async (request, reply) => {
    const context = getApiKey(request);
    const body = validate(createKeyBodySchema, request.body, 'body');
    const expiresAt = body.expires_at ? new Date(body.expires_at) : null;
    if (expiresAt !== null && expiresAt.getTime() <= now().getTime()) {
      throw new ApiKeyError('validation_error', { message: 'body.expires_at: must be in the future' });
    }
    // A new key gets the creator's scopes unless it asks for fewer; never more, or any
    // keys:write key could mint itself a `*` key.
    const scopes = body.scopes ?? context.scopes;
    if (!hasScopes(context.scopes, scopes)) {
      throw new ApiKeyError('insufficient_scope', {
        message: 'body.scopes: a key can only grant scopes it holds itself',
      });
    }
    const created = await store.create({
      ...keyScopeOf(context),
      userId: context.userId,
      name: body.name,
      scopes,
      expiresAt,
    });
    reply.code(201);
    return { api_key: created.key, secret: toWireApiKey(created.apiKey) };
  });

  app.get<{ Params: { id: string } }>('/v1/secrets/api/keys/:id', { config: READ }, async (request) => {
    const context = getApiKey(request);
    const found = await store.get(keyScopeOf(context), request.params.id);
    if (!found) throw notFound();
    return toWireApiKey(found);
  });

  app.patch<{ Params: { id: string } }>('/v1/secrets/api/keys/:id', { config: WRITE }, async (request) => {
    const context = getApiKey(request);
    const body = validate(updateKeyBodySchema, request.body, 'body');
    const updated = await store.update(keyScopeOf(context), request.params.id, body);
    if (!updated) throw notFound();
    return toWireApiKey(updated);
  });

  app.delete<{ Params: { id: string } }>('/v1/secrets/api/keys/:id', { config: WRITE }, async (request, reply) => {
    const context = getApiKey(request);
    if (!(await store.revoke(keyScopeOf(context), request.params.id))) throw notFound();
    return reply.code(204).send();
  });

  app.post<{ Params: { id: string } }>('/v1/secrets/api/keys/:id/rotate', { config: WRITE }, async (request, reply) => {
    const context = getApiKey(request);
    // An empty body means "no grace period", like `{}`.
    const body = validate(rotateKeyBodySchema, request.body ?? {}, 'body');
    const scope = keyScopeOf(context);
    const existing = await store.get(scope, request.params.id);
    if (!existing) throw notFound();
    // Rotation hands out a fresh plaintext with the old key's scopes: only a key that holds
    // them all may do it, or rotate would be a way round the subset rule of create.
    if (!hasScopes(context.scopes, existing.scopes)) {
      throw new ApiKeyError('insufficient_scope', {
        message: 'A key can only rotate keys whose scopes it holds itself',
      });
    }
    const rotated = await store.rotate(scope, request.params.id, {
      gracePeriodSeconds: body.grace_period_seconds ?? 0,
    });
    if (!rotated) throw notFound();
    reply.code(201);
    return { api_key: rotated.key, secret: toWireApiKey(rotated.apiKey) };
  });
}

import type { ApiKeyContext, ApiKeyRecord } from '@keyward/core';
import type { z } from 'zod';
import type { apiKeySchema, meSchema } from './schemas.js';

/** A key record as the API sends it: snake_case, every field present, `null` when empty. */
export type WireApiKey = z.output<typeof apiKeySchema>;

/** Turns a store record into the wire `ApiKey` of DESIGN.md section 4. */
export function toWireApiKey(record: ApiKeyRecord): WireApiKey {
  return {
    id: record.id,
    name: record.name,
    type: record.type,
    provider: 'keyward',
    display_id: record.displayId,
    status: record.active ? 'active' : 'inactive',
    scopes: [...record.scopes],
    tenant_id: record.tenantId,
    environment_id: record.environmentId,
    user_id: record.userId,
    // keyward keys belong to a user or to nobody (a service); there is no other kind yet.
    user_type: record.userId === null ? null : 'user',
    roles: [...record.scopes],
    expires_at: record.expiresAt?.toISOString() ?? null,
    last_used_at: record.lastUsedAt?.toISOString() ?? null,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}

/** Turns the authenticated context into the `GET /v1/me` body. */
export function toWireContext(context: ApiKeyContext): z.output<typeof meSchema> {
  return {
    key_id: context.keyId,
    tenant_id: context.tenantId,
    environment_id: context.environmentId,
    user_id: context.userId,
    scopes: [...context.scopes],
    name: context.name,
  };
}

import type { StoredApiKey } from '@keyward/core/store';

/** A row of `keyward_api_keys` as either driver returns it. */
export interface KeyRow {
  id: string;
  hash: string;
  name: string;
  type: string;
  display_id: string;
  tenant_id: string;
  environment_id: string;
  user_id: string | null;
  scopes: string[] | null;
  active: boolean;
  expires_at: Date | string | null;
  successor_id: string | null;
  last_used_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

// Both drivers parse timestamptz into Date by default; an application that changed pg's global
// type parsers could hand strings back, so accept those too.
/** A timestamp as a `Date`, whichever way the driver returned it. */
export function toDate(value: Date | string): Date {
  return value instanceof Date ? new Date(value.getTime()) : new Date(value);
}

function toDateOrNull(value: Date | string | null): Date | null {
  return value === null ? null : toDate(value);
}

function toScopes(value: string[] | null): string[] {
  if (value === null) return [];
  if (!Array.isArray(value))
    throw new TypeError('@keyward/store-postgres: keyward_api_keys.scopes did not come back as an array');
  return [...value];
}

/** The record a row holds. */
export function rowToStoredApiKey(row: KeyRow): StoredApiKey {
  return {
    id: row.id,
    hash: row.hash,
    name: row.name,
    type: 'private_key',
    displayId: row.display_id,
    tenantId: row.tenant_id,
    environmentId: row.environment_id,
    userId: row.user_id,
    scopes: toScopes(row.scopes),
    active: row.active,
    expiresAt: toDateOrNull(row.expires_at),
    successorId: row.successor_id,
    lastUsedAt: toDateOrNull(row.last_used_at),
    createdAt: toDate(row.created_at),
    updatedAt: toDate(row.updated_at),
  };
}

/** The parameters of INSERT_KEY, in column order. */
export function storedApiKeyToParams(record: StoredApiKey): unknown[] {
  return [
    record.id,
    record.hash,
    record.name,
    record.type,
    record.displayId,
    record.tenantId,
    record.environmentId,
    record.userId,
    record.scopes,
    record.active,
    record.expiresAt,
    record.successorId ?? null,
    record.lastUsedAt,
    record.createdAt,
    record.updatedAt,
  ];
}

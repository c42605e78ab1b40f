import type { StoredSession } from '@keyward/core/store';
import { toDate } from './key-row.js';

/** A row of `keyward_sessions` as either driver returns it. */
export interface SessionRow {
  id: string;
  hash: string;
  tenant_id: string;
  environment_id: string;
  customer_id: string;
  expires_at: Date | string;
  created_at: Date | string;
}

/** The session a row holds. */
export function rowToStoredSession(row: SessionRow): StoredSession {
  return {
    id: row.id,
    hash: row.hash,
    tenantId: row.tenant_id,
    environmentId: row.environment_id,
    customerId: row.customer_id,
    expiresAt: toDate(row.expires_at),
    createdAt: toDate(row.created_at),
  };
}

/** The first seven parameters of INSERT_SESSION, in column order. */
export function storedSessionToParams(stored: StoredSession): unknown[] {
  return [
    stored.id,
    stored.hash,
    stored.tenantId,
    stored.environmentId,
    stored.customerId,
    stored.expiresAt,
    stored.createdAt,
  ];
}

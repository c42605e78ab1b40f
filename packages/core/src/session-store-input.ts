import { randomBytes } from 'node:crypto';
import { integer, strictObject } from './input-schema.js';
import { identifierSchema, parse } from './key-store-input.js';
import type { CreateSessionInput, SessionRecord, StoredSession } from './session-store.js';
import { generateSessionToken, hashSessionToken } from './session-token.js';

/** The TTL rules of portal sessions: default 1 hour, at most 24 hours, at least a minute. */
export const SESSION_TTL = { defaultSeconds: 3600, minSeconds: 60, maxSeconds: 24 * 3600 } as const;

const createSessionSchema = strictObject({
  tenantId: identifierSchema,
  environmentId: identifierSchema,
  customerId: identifierSchema,
  ttlSeconds: integer(SESSION_TTL.minSeconds, SESSION_TTL.maxSeconds, SESSION_TTL.defaultSeconds),
});

/**
 * Validates a session input and makes the session: a new token (returned once), its hash and
 * the record to store. Every session store builds sessions with this, so they all accept and
 * refuse the same input.
 *
 * @throws TypeError naming the bad field.
 */
export function prepareSession(input: CreateSessionInput, now: Date): { token: string; stored: StoredSession } {
  const parsed = parse(createSessionSchema, input, 'session input');
  const token = generateSessionToken();
  return {
    token,
    stored: {
      id: `ses_${randomBytes(12).toString('hex')}`,
      hash: hashSessionToken(token),
      tenantId: parsed.tenantId,
      environmentId: parsed.environmentId,
      customerId: parsed.customerId,
      expiresAt: new Date(now.getTime() + parsed.ttlSeconds * 1000),
      createdAt: now,
    },
  };
}

/** A stored session without its hash, as handed to callers. */
export function toSessionRecord(stored: StoredSession): SessionRecord {
  const { hash: _hash, ...record } = stored;
  return { ...record, expiresAt: new Date(record.expiresAt), createdAt: new Date(record.createdAt) };
}

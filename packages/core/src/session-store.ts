import type { KeyChange, KeyScope } from './key-store.js';

/**
 * What a session store holds for one portal session: never the token, only its SHA-256.
 */
export interface StoredSession {
  /** `ses_` and 24 hex characters: how a server names the session (to revoke it). */
  id: string;
  /** SHA-256 of the token, 64 lowercase hex characters. */
  hash: string;
  tenantId: string;
  environmentId: string;
  /** The customer of the tenant this session acts for. */
  customerId: string;
  /** From then on the token answers 401 `expired_session_token`. */
  expiresAt: Date;
  createdAt: Date;
}

/** A session as handed to callers: everything but the hash. */
export type SessionRecord = Omit<StoredSession, 'hash'>;

/** Who a request is once its session token is verified. Never holds the token. */
export interface PortalSession {
  sessionId: string;
  customerId: string;
  tenantId: string;
  environmentId: string;
  expiresAt: Date;
}

/** What {@link ManagedSessionStore.createSession} needs. */
export interface CreateSessionInput {
  tenantId: string;
  environmentId: string;
  customerId: string;
  /** How long the token works: 60 s to 24 h. Default 1 h. */
  ttlSeconds?: number;
}

/** A new session: the plaintext `token`, this once, and its record. */
export interface CreatedSession {
  token: string;
  session: SessionRecord;
}

/** The read side of a session store: all the session authenticator needs. */
export interface SessionStore {
  /** The session with this token hash, or `null`. Must be a lookup by an index. */
  findSessionByHash(hash: string): Promise<StoredSession | null>;
  /** Subscribe to revocations (by hash), as {@link KeyStore.watch}. */
  watch?(listener: (change: KeyChange) => void): () => void;
  /** `false` while revocations may not reach watchers: the cache is bypassed. */
  readonly changesReliable?: boolean;
}

/**
 * A session store that also mints and revokes sessions, confined to one tenant and environment
 * like {@link ManagedKeyStore}: a session of another scope is reported exactly as a missing one.
 */
export interface ManagedSessionStore extends SessionStore {
  createSession(input: CreateSessionInput): Promise<CreatedSession>;
  /** Ends the session at once (log out, or revoked by the server). `false` if not found in scope. */
  revokeSession(scope: KeyScope, id: string): Promise<boolean>;
}

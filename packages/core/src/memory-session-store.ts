import { createChangeEmitter } from './change-emitter.js';
import type { KeyChange, KeyScope } from './key-store.js';
import { parseKeyScope } from './key-store-input.js';
import { assertKnownOptions } from './known-options.js';
import type { CreatedSession, CreateSessionInput, ManagedSessionStore, StoredSession } from './session-store.js';
import { prepareSession, SESSION_TTL, toSessionRecord } from './session-store-input.js';

/** Options for {@link MemorySessionStore}. */
export interface MemorySessionStoreOptions {
  /** The clock, for tests. */
  now?: () => Date;
}

/**
 * A {@link ManagedSessionStore} in process memory, for tests and development. Sessions are
 * lost when the process ends; expired ones are dropped a day after they expire.
 *
 * @example
 * const sessions = new MemorySessionStore();
 * const { token } = await sessions.createSession({ tenantId: 't1', environmentId: 'dev', customerId: 'cus_1' });
 */
export class MemorySessionStore implements ManagedSessionStore {
  readonly #byHash = new Map<string, StoredSession>();
  readonly #hashById = new Map<string, string>();
  readonly #changes = createChangeEmitter();
  readonly #now: () => Date;

  constructor(options: MemorySessionStoreOptions = {}) {
    assertKnownOptions(options, ['now'], '@keyward/core: MemorySessionStore');
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TypeError('@keyward/core: MemorySessionStore: options.now must be a function returning a Date');
    }
    this.#now = options.now ?? (() => new Date());
  }

  async createSession(input: CreateSessionInput): Promise<CreatedSession> {
    const now = this.#now();
    this.#prune(now);
    const { token, stored } = prepareSession(input, now);
    this.#byHash.set(stored.hash, stored);
    this.#hashById.set(stored.id, stored.hash);
    return { token, session: toSessionRecord(stored) };
  }

  async findSessionByHash(hash: string): Promise<StoredSession | null> {
    const found = this.#byHash.get(hash);
    return found ? { ...found, expiresAt: new Date(found.expiresAt), createdAt: new Date(found.createdAt) } : null;
  }

  async revokeSession(scope: KeyScope, id: string): Promise<boolean> {
    const { tenantId, environmentId } = parseKeyScope(scope);
    const hash = typeof id === 'string' ? this.#hashById.get(id) : undefined;
    const stored = hash === undefined ? undefined : this.#byHash.get(hash);
    // Another scope's session is reported exactly like a missing one.
    if (!stored || stored.tenantId !== tenantId || stored.environmentId !== environmentId) return false;
    this.#byHash.delete(stored.hash);
    this.#hashById.delete(stored.id);
    this.#changes.emit({ hash: stored.hash });
    return true;
  }

  watch(listener: (change: KeyChange) => void): () => void {
    return this.#changes.watch(listener);
  }

  // Keeps memory bounded by the sessions that could still be told apart as expired.
  #prune(now: Date): void {
    const cutoff = now.getTime() - SESSION_TTL.maxSeconds * 1000;
    for (const stored of this.#byHash.values()) {
      if (stored.expiresAt.getTime() < cutoff) {
        this.#byHash.delete(stored.hash);
        this.#hashById.delete(stored.id);
      }
    }
  }
}

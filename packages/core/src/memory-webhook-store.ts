import type { KeyScope } from './key-store.js';
import { parseKeyScope, parseListApiKeyRecordsInput } from './key-store-input.js';
import { assertKnownOptions } from './known-options.js';
import type {
  CreateWebhookEndpointInput,
  ListWebhookDeliveriesInput,
  ManagedWebhookStore,
  RecordDeliveryResult,
  StoredWebhookEndpoint,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookEndpointRecord,
  WebhookEndpointWithSecret,
} from './webhook-store.js';
import {
  parseWebhookDelivery,
  planSecretRotation,
  prepareWebhookEndpoint,
  toWebhookEndpointRecord,
} from './webhook-store-input.js';

/** Options for {@link MemoryWebhookStore}. */
export interface MemoryWebhookStoreOptions {
  /** The clock, for tests. */
  now?: () => Date;
}

function copy(stored: StoredWebhookEndpoint): StoredWebhookEndpoint {
  return { ...stored, secrets: stored.secrets.map((s) => ({ ...s })) };
}

/**
 * A {@link ManagedWebhookStore} in process memory, for tests and development: endpoints,
 * their secrets and every delivery are lost when the process ends.
 */
export class MemoryWebhookStore implements ManagedWebhookStore {
  readonly #endpoints = new Map<string, StoredWebhookEndpoint>();
  readonly #deliveries = new Map<string, Map<string, WebhookDelivery>>();
  readonly #now: () => Date;

  constructor(options: MemoryWebhookStoreOptions = {}) {
    assertKnownOptions(options, ['now'], '@keyward/core: MemoryWebhookStore');
    if (options.now !== undefined && typeof options.now !== 'function') {
      throw new TypeError('@keyward/core: MemoryWebhookStore: options.now must be a function returning a Date');
    }
    this.#now = options.now ?? (() => new Date());
  }

  async createEndpoint(input: CreateWebhookEndpointInput): Promise<WebhookEndpointWithSecret> {
    const { secret, stored } = prepareWebhookEndpoint(input, this.#now());
    this.#endpoints.set(stored.id, stored);
    this.#deliveries.set(stored.id, new Map());
    return { secret, endpoint: toWebhookEndpointRecord(stored) };
  }

  async listEndpoints(scope: KeyScope): Promise<WebhookEndpointRecord[]> {
    const { tenantId, environmentId } = parseKeyScope(scope);
    return [...this.#endpoints.values()]
      .filter((e) => e.tenantId === tenantId && e.environmentId === environmentId)
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map(toWebhookEndpointRecord);
  }

  async findEndpoint(scope: KeyScope, id: string, now: Date): Promise<StoredWebhookEndpoint | null> {
    const found = this.#find(scope, id);
    if (!found) return null;
    const stored = copy(found);
    stored.secrets = stored.secrets.filter((s) => s.expiresAt === null || s.expiresAt.getTime() > now.getTime());
    return stored;
  }

  async deleteEndpoint(scope: KeyScope, id: string): Promise<boolean> {
    const found = this.#find(scope, id);
    if (!found) return false;
    this.#endpoints.delete(found.id);
    this.#deliveries.delete(found.id);
    return true;
  }

  async rotateEndpointSecret(
    scope: KeyScope,
    id: string,
    input?: { gracePeriodSeconds?: number },
  ): Promise<WebhookEndpointWithSecret | null> {
    const found = this.#find(scope, id);
    if (!found) return null;
    const { secret, secrets } = planSecretRotation(found, input, this.#now());
    found.secrets = secrets;
    return { secret, endpoint: toWebhookEndpointRecord(found) };
  }

  async recordDelivery(scope: KeyScope, delivery: WebhookDelivery): Promise<RecordDeliveryResult> {
    parseKeyScope(scope);
    const parsed = parseWebhookDelivery(delivery);
    const found = this.#find(scope, parsed.endpointId);
    if (!found) throw new Error('@keyward/core: MemoryWebhookStore: no such endpoint');
    const seen = this.#deliveries.get(found.id) ?? new Map<string, WebhookDelivery>();
    if (seen.has(parsed.webhookId)) return 'replayed';
    seen.set(parsed.webhookId, parsed);
    this.#deliveries.set(found.id, seen);
    return 'recorded';
  }

  async listDeliveries(
    scope: KeyScope,
    endpointId: string,
    input?: ListWebhookDeliveriesInput,
  ): Promise<WebhookDeliveryPage | null> {
    const found = this.#find(scope, endpointId);
    if (!found) return null;
    const { limit, offset } = parseListApiKeyRecordsInput(input ?? {});
    // Newest first by the time received; among equal times the later recorded first (a Map
    // keeps insertion order, and the sort is stable), as a database orders by its sequence.
    const all = [...(this.#deliveries.get(found.id)?.values() ?? [])]
      .reverse()
      .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime());
    return {
      items: all.slice(offset, offset + limit).map((d) => ({ ...d, receivedAt: new Date(d.receivedAt) })),
      total: all.length,
    };
  }

  #find(scope: KeyScope, id: string): StoredWebhookEndpoint | undefined {
    const { tenantId, environmentId } = parseKeyScope(scope);
    if (typeof id !== 'string') return undefined;
    const found = this.#endpoints.get(id);
    // Another scope's endpoint is reported exactly like a missing one.
    return found && found.tenantId === tenantId && found.environmentId === environmentId ? found : undefined;
  }
}

import { isObject } from '../is-object.js';
import type { Transport } from '../transport.js';
import type {
  ApiKey,
  ApiKeyPage,
  CallOptions,
  CreateApiKeyInput,
  CreatedApiKey,
  ListApiKeysInput,
  RotateApiKeyInput,
  UpdateApiKeyInput,
} from '../types.js';
import { usageError } from '../usage-error.js';
import { callOptions, checkInput, idPath } from './call.js';

const KEYS_PATH = '/v1/secrets/api/keys';

// The shapes the typed calls promise. A server that answers 2xx with something else (a proxy's
// page, an older server) is reported as invalid_response instead of handing out a wrong type.
const isApiKeyBody = (body: unknown): boolean => isObject(body) && typeof body.id === 'string';
const isPageBody = (body: unknown): boolean =>
  isObject(body) && Array.isArray(body.items) && body.items.every(isApiKeyBody) && isObject(body.pagination);
const isCreatedBody = (body: unknown): boolean =>
  isObject(body) && typeof body.apiKey === 'string' && isApiKeyBody(body.secret);

/** The wire's name for the plaintext (`api_key`) and the record (`secret`), camelCased. */
interface CreatedBody {
  apiKey: string;
  secret: ApiKey;
}

function toIsoString(value: Date | string | null | undefined): string | null | undefined {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw usageError('keys.create', 'expiresAt is an invalid Date');
    return value.toISOString();
  }
  if (value === undefined || value === null || typeof value === 'string') return value;
  throw usageError('keys.create', 'expiresAt must be a Date, an ISO 8601 string or null');
}

function keyPath(operation: string, id: unknown): string {
  return idPath(operation, KEYS_PATH, id);
}

/** The wire's `{ api_key, secret }` as keyward names them: `key` the plaintext, `apiKey` the record. */
function toCreatedApiKey(created: CreatedBody): CreatedApiKey {
  return { key: created.apiKey, apiKey: created.secret };
}

/**
 * The key management routes (`/v1/secrets/api/keys`). Reached as `client.keys`. A key can only
 * manage keys of its own tenant and environment; `keys:read` lists and reads, `keys:write`
 * changes.
 */
export class KeyManagement {
  readonly #transport: Pick<Transport, 'send'>;

  /** Made by `createClient`; reach it as `client.keys`. */
  constructor(transport: Pick<Transport, 'send'>) {
    this.#transport = transport;
  }

  /**
   * One page of keys, newest first.
   *
   * @example
   * const { items, pagination } = await client.keys.list({ limit: 10 });
   */
  async list(input: ListApiKeysInput = {}, options?: CallOptions): Promise<ApiKeyPage> {
    const { limit, offset } = checkInput('keys.list', input);
    return (await this.#transport.send({
      operation: 'keys.list',
      method: 'GET',
      path: KEYS_PATH,
      query: { limit, offset },
      isExpectedBody: isPageBody,
      ...callOptions(options),
    })) as ApiKeyPage;
  }

  /**
   * Issues a key. Not retried (a retry could issue two). The plaintext `key` is in the result this
   * once: store it now.
   *
   * @example
   * const { key, apiKey } = await client.keys.create({ name: 'ci', scopes: ['keys:read'] });
   */
  async create(input: CreateApiKeyInput, options?: CallOptions): Promise<CreatedApiKey> {
    const { name, type, scopes, expiresAt } = checkInput('keys.create', input, 'an object with a name');
    const body = { name, type, scopes, expiresAt: toIsoString(expiresAt) };
    const created = await this.#transport.send({
      operation: 'keys.create',
      method: 'POST',
      path: KEYS_PATH,
      body,
      isExpectedBody: isCreatedBody,
      ...callOptions(options),
    });
    return toCreatedApiKey(created as CreatedBody);
  }

  /** One key's record. */
  async get(id: string, options?: CallOptions): Promise<ApiKey> {
    return (await this.#transport.send({
      operation: 'keys.get',
      method: 'GET',
      path: keyPath('keys.get', id),
      isExpectedBody: isApiKeyBody,
      ...callOptions(options),
    })) as ApiKey;
  }

  /**
   * Renames, deactivates (`active: false`) or reactivates a key. Reactivating needs every scope of
   * the key and its user, as creating it would; else `insufficient_scope` (403).
   */
  async update(id: string, input: UpdateApiKeyInput, options?: CallOptions): Promise<ApiKey> {
    const path = keyPath('keys.update', id);
    const { name, active } = checkInput('keys.update', input);
    return (await this.#transport.send({
      operation: 'keys.update',
      method: 'PATCH',
      path,
      body: { name, active },
      isExpectedBody: isApiKeyBody,
      ...callOptions(options),
    })) as ApiKey;
  }

  /**
   * Deletes a key: it stops working at once. Retried like every DELETE; a retry after a lost
   * response can therefore answer `not_found` for a key that this call did revoke.
   */
  async revoke(id: string, options?: CallOptions): Promise<void> {
    await this.#transport.send({
      operation: 'keys.revoke',
      method: 'DELETE',
      path: keyPath('keys.revoke', id),
      ...callOptions(options),
    });
  }

  /**
   * Issues a new key in place of this one; the old one works for `gracePeriodSeconds` more. Not
   * retried. A key has one successor: rotating a key that is inactive, expired or already rotated
   * is refused with `conflict` (409), and one of another user, or with a scope the calling key
   * lacks, with `insufficient_scope` (403).
   */
  async rotate(id: string, input: RotateApiKeyInput = {}, options?: CallOptions): Promise<CreatedApiKey> {
    const path = `${keyPath('keys.rotate', id)}/rotate`;
    const { gracePeriodSeconds } = checkInput('keys.rotate', input);
    const created = await this.#transport.send({
      operation: 'keys.rotate',
      method: 'POST',
      path,
      body: { gracePeriodSeconds },
      isExpectedBody: isCreatedBody,
      ...callOptions(options),
    });
    return toCreatedApiKey(created as CreatedBody);
  }
}

import { randomBytes } from 'node:crypto';
import { isIdempotencyKey } from '@keyward/core/adapter';
import { isObject } from '../is-object.js';
import type { Transport, TransportRequest } from '../transport.js';
import type {
  ApiKey,
  ApiKeyList,
  ApiKeyPage,
  CallOptions,
  CreateApiKeyInput,
  CreatedApiKey,
  IdempotentCallOptions,
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
  isObject(body) &&
  Array.isArray(body.items) &&
  body.items.every(isApiKeyBody) &&
  isObject(body.pagination) &&
  // Absent from servers without cursors: the iterator then pages by offset.
  (body.pagination.nextCursor === undefined ||
    body.pagination.nextCursor === null ||
    typeof body.pagination.nextCursor === 'string');
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

/**
 * The per-call options of a create or rotate, with the `Idempotency-Key` header: the caller's,
 * or 32 fresh random bytes. One key for every attempt of the call makes it safe to retry: the
 * server hands a retry the first attempt's key instead of making a second.
 */
function idempotentCallOptions(
  operation: string,
  options: IdempotentCallOptions | undefined,
): Pick<TransportRequest, 'signal' | 'timeoutMs' | 'headers' | 'idempotent'> {
  const given = options?.idempotencyKey;
  if (given !== undefined && !isIdempotencyKey(given)) {
    throw usageError(operation, 'idempotencyKey must be 32 to 255 printable ASCII characters without spaces');
  }
  const idempotencyKey = given ?? randomBytes(32).toString('base64url');
  return { ...callOptions(options), headers: { 'idempotency-key': idempotencyKey }, idempotent: true };
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
   * Keys, newest first. Await it for one page (`{ items, pagination }`), or iterate it with
   * `for await` for every key from there on: pages are fetched as needed, by cursor, so no key is
   * repeated or skipped while keys are created or revoked meanwhile (a new key, newer than the
   * cursor, is simply not in the walk). `limit` sets the page size.
   *
   * @example
   * const { items, pagination } = await client.keys.list({ limit: 10 });
   * for await (const apiKey of client.keys.list()) console.log(apiKey.id, apiKey.name);
   */
  list(input: ListApiKeysInput = {}, options?: CallOptions): ApiKeyList {
    const first = this.#listPage(input, options);
    const listPage = (next: ListApiKeysInput) => this.#listPage(next, options);
    const { limit } = isObject(input) ? input : {};
    async function* walk(): AsyncGenerator<ApiKey> {
      let page = await first;
      for (;;) {
        yield* page.items;
        const { nextCursor, total, offset } = page.pagination;
        if (nextCursor === null || page.items.length === 0) return;
        if (typeof nextCursor === 'string') {
          page = await listPage({ limit, cursor: nextCursor });
        } else {
          // A server without cursors: by offset, which may repeat or skip keys changed meanwhile.
          const next = offset + page.items.length;
          if (next >= total) return;
          page = await listPage({ limit, offset: next });
        }
      }
    }
    return Object.assign(first, { [Symbol.asyncIterator]: walk });
  }

  async #listPage(input: ListApiKeysInput, options: CallOptions | undefined): Promise<ApiKeyPage> {
    const { limit, offset, cursor } = checkInput('keys.list', input);
    return (await this.#transport.send({
      operation: 'keys.list',
      method: 'GET',
      path: KEYS_PATH,
      query: { limit, offset, cursor },
      isExpectedBody: isPageBody,
      ...callOptions(options),
    })) as ApiKeyPage;
  }

  /**
   * Issues a key. Sent with an `Idempotency-Key` (see {@link IdempotentCallOptions}), so it is
   * retried like a GET: a retry after a timeout gets the key the first attempt made, never a
   * second one. The plaintext `key` is in the result: store it now.
   *
   * @example
   * const { key, apiKey } = await client.keys.create({ name: 'ci', scopes: ['keys:read'] });
   */
  async create(input: CreateApiKeyInput, options?: IdempotentCallOptions): Promise<CreatedApiKey> {
    const { name, type, scopes, expiresAt } = checkInput('keys.create', input, 'an object with a name');
    const body = { name, type, scopes, expiresAt: toIsoString(expiresAt) };
    const created = await this.#transport.send({
      operation: 'keys.create',
      method: 'POST',
      path: KEYS_PATH,
      body,
      isExpectedBody: isCreatedBody,
      ...idempotentCallOptions('keys.create', options),
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
   * Issues a new key in place of this one; the old one works for `gracePeriodSeconds` more.
   * Sent with an `Idempotency-Key` and retried like `create`: a retry gets the same successor,
   * even after the old key is gone or in its grace period. A key has one successor: rotating a
   * key that is inactive, expired or already rotated (by another request) is refused with
   * `conflict` (409), and one of another user, or with a scope the calling key lacks, with
   * `insufficient_scope` (403).
   */
  async rotate(id: string, input: RotateApiKeyInput = {}, options?: IdempotentCallOptions): Promise<CreatedApiKey> {
    const path = `${keyPath('keys.rotate', id)}/rotate`;
    const { gracePeriodSeconds } = checkInput('keys.rotate', input);
    const created = await this.#transport.send({
      operation: 'keys.rotate',
      method: 'POST',
      path,
      body: { gracePeriodSeconds },
      isExpectedBody: isCreatedBody,
      ...idempotentCallOptions('keys.rotate', options),
    });
    return toCreatedApiKey(created as CreatedBody);
  }
}

import pkg from '../package.json' with { type: 'json' };
import { type ClientOptions, type ResolvedOptions, resolveOptions } from './client-options.js';
import { apiKeyCredential } from './credentials.js';
import { isObject } from './is-object.js';
import { REDACTED } from './redact.js';
import { KeyManagement } from './resources/keys.js';
import { PortalSessions } from './resources/portal.js';
import { WebhookManagement } from './resources/webhooks.js';
import { sendRequestInput, Transport } from './transport.js';
import type { ApiKeyContext, CallOptions, RequestInput } from './types.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

const isContextBody = (body: unknown): boolean => isObject(body) && typeof body.keyId === 'string';

/**
 * A client of a keyward-protected service: sends the key in `X-API-Key`, retries what is safe to
 * retry, and turns every failure into a `KeywardError`. Make one with {@link createClient}
 * and share it: it keeps connections alive and pooled per origin.
 */
export class KeywardClient {
  /** The key management routes of the reference server. */
  readonly keys: KeyManagement;
  /** Portal sessions, your server's side: mint one for a customer, revoke it (`portal:write`). */
  readonly portal: PortalSessions;
  /** Webhook receiving endpoints: create, list, delete, rotate the secret, list deliveries. */
  readonly webhooks: WebhookManagement;
  // Private fields: util.inspect and JSON.stringify cannot see them, so the key provider never
  // shows up in a log of the client.
  readonly #options: ResolvedOptions;
  readonly #transport: Transport;

  /** Use {@link createClient}. */
  constructor(options?: ClientOptions) {
    this.#options = resolveOptions(options, process.env, pkg.version);
    this.#transport = new Transport(this.#options, apiKeyCredential(this.#options.apiKey));
    // Every resource speaks through the one transport, so they share its pool, key and retries.
    this.keys = new KeyManagement(this.#transport);
    this.portal = new PortalSessions(this.#transport);
    this.webhooks = new WebhookManagement(this.#transport);
  }

  /** The server's base URL. */
  get baseUrl(): string {
    return this.#options.baseUrl.href.replace(/\/$/, '');
  }

  /** The `X-Environment-ID` the client sends, if any. */
  get environmentId(): string | undefined {
    return this.#options.environmentId;
  }

  /** The context of the key the client sends: `GET /v1/me`. */
  async me(options?: CallOptions): Promise<ApiKeyContext> {
    const { signal, timeoutMs } = options ?? {};
    return (await this.#transport.send({
      operation: 'me',
      method: 'GET',
      path: '/v1/me',
      signal,
      timeoutMs,
      isExpectedBody: isContextBody,
    })) as ApiKeyContext;
  }

  /**
   * Any route of the server. The body is sent as JSON in snake_case; the response comes back
   * parsed and camelCased (`undefined` for an empty body such as a 204).
   *
   * @example
   * const usage = await client.request<{ requestCount: number }>({
   *   method: 'GET', path: '/v1/billing/usage', query: { month: '2030-01' },
   * });
   */
  async request<T = unknown>(input: RequestInput): Promise<T> {
    return (await sendRequestInput(this.#transport, 'request', input)) as T;
  }

  /** Releases the connection pool. Calls made after this fail with `network_error`. A dispatcher passed in is not closed: it is the caller's. */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  /** A description safe to log: never the key. */
  toJSON(): Record<string, unknown> {
    return {
      baseUrl: this.baseUrl,
      environmentId: this.#options.environmentId,
      apiKey: this.#options.apiKey === undefined ? undefined : REDACTED,
      timeoutMs: this.#options.timeoutMs,
      retries: this.#options.retries,
      userAgent: this.#options.userAgent,
    };
  }

  [INSPECT](_depth: number, options: unknown, inspect: (value: unknown, options?: unknown) => string): string {
    return `KeywardClient ${inspect(this.toJSON(), options)}`;
  }
}

/**
 * Makes a {@link KeywardClient}. Every option is checked here (a TypeError names the bad one);
 * a missing or malformed key fails at the first call, before anything is sent. `apiKey` is the
 * plaintext key string here, the option name every SDK uses; everywhere else in keyward a `key`
 * is the plaintext and an `apiKey` an object.
 *
 * @example
 * import { createClient } from '@keyward/client';
 * const client = createClient({ apiKey: process.env.KEYWARD_API_KEY, baseUrl: 'http://127.0.0.1:3000' });
 * const me = await client.me();
 */
export function createClient(options?: ClientOptions): KeywardClient {
  return new KeywardClient(options);
}

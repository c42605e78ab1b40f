import pkg from '../package.json' with { type: 'json' };
import { type PortalClientOptions, type ResolvedPortalOptions, resolvePortalOptions } from './client-options.js';
import { sessionTokenCredential } from './credentials.js';
import { REDACTED } from './redact.js';
import { CurrentPortalSession } from './resources/portal.js';
import { sendRequestInput, Transport } from './transport.js';
import type { CallOptions, PortalSession, RequestInput } from './types.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * A client for one customer's portal session: sends the session token in `X-Session-Token`, never
 * an API key, on the same transport as {@link KeywardClient} (retries, timeouts, typed errors,
 * redaction). Make one with {@link createPortalClient} from the token your server minted.
 */
export class PortalClient {
  // Private fields: util.inspect and JSON.stringify cannot see them, so the token never shows up
  // in a log of the client.
  readonly #options: ResolvedPortalOptions;
  readonly #transport: Transport;
  readonly #session: CurrentPortalSession;

  /** Use {@link createPortalClient}. */
  constructor(options: PortalClientOptions) {
    this.#options = resolvePortalOptions(options, process.env, pkg.version);
    this.#transport = new Transport(this.#options, sessionTokenCredential(this.#options.token));
    this.#session = new CurrentPortalSession(this.#transport);
  }

  /** The server's base URL. */
  get baseUrl(): string {
    return this.#options.baseUrl.href.replace(/\/$/, '');
  }

  /**
   * Who the session acts for: `GET /v1/portal/me`. A revoked or logged-out session is 401
   * `invalid_session_token`, an expired one 401 `expired_session_token`.
   */
  me(options?: CallOptions): Promise<PortalSession> {
    return this.#session.me(options);
  }

  /** Ends the session: `DELETE /v1/portal/sessions/current`. The token stops working at once. */
  logout(options?: CallOptions): Promise<void> {
    return this.#session.logout(options);
  }

  /**
   * Any route of the server that takes a session token, such as your own portal routes behind
   * core's `createSessionGuard`. Like `KeywardClient.request`: a snake_case JSON body, a parsed,
   * camelCased response (`undefined` for an empty body).
   */
  async request<T = unknown>(input: RequestInput): Promise<T> {
    return (await sendRequestInput(this.#transport, 'PortalClient.request', input)) as T;
  }

  /** Releases the connection pool, unless the dispatcher was passed in (it is the caller's). */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  /** A description safe to log: never the token. */
  toJSON(): Record<string, unknown> {
    return {
      baseUrl: this.baseUrl,
      token: this.#options.token === undefined ? undefined : REDACTED,
      timeoutMs: this.#options.timeoutMs,
      retries: this.#options.retries,
      userAgent: this.#options.userAgent,
    };
  }

  [INSPECT](_depth: number, options: unknown, inspect: (value: unknown, options?: unknown) => string): string {
    return `PortalClient ${inspect(this.toJSON(), options)}`;
  }
}

/**
 * Makes a {@link PortalClient} from a portal session token (`kws_…`), for the customer's side
 * of a portal: it sends `X-Session-Token` and nothing else. Every option is checked here (a
 * TypeError names the bad one); a missing token fails at the first call with
 * `missing_session_token`, and an API key given as the token with `invalid_session_token`,
 * before anything is sent.
 *
 * @example
 * import { createPortalClient } from '@keyward/client';
 * const portal = createPortalClient({ token, baseUrl: 'http://127.0.0.1:3000' });
 * const { customerId, expiresAt } = await portal.me();
 * await portal.logout();
 */
export function createPortalClient(options: PortalClientOptions): PortalClient {
  return new PortalClient(options);
}

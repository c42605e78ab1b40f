import { isObject } from '../is-object.js';
import type { Transport } from '../transport.js';
import type { CallOptions, CreatedPortalSession, CreatePortalSessionInput, PortalSession } from '../types.js';
import { usageError } from '../usage-error.js';
import { callOptions, checkInput, idPath } from './call.js';

// The portal routes have two sides: your server, with its API key, mints and revokes sessions
// (`client.portal`); the customer, with the session token, asks who they are and logs out (the
// portal client). The same transport carries both, each with its one credential.

const SESSIONS_PATH = '/v1/portal/sessions';
/** The session of the token sent: what the portal client's `logout` ends. */
const CURRENT_SESSION_PATH = `${SESSIONS_PATH}/current`;
const PORTAL_ME_PATH = '/v1/portal/me';

// The shapes the typed calls promise; anything else is invalid_response, not a wrong type.
const isCreatedBody = (body: unknown): boolean =>
  isObject(body) &&
  typeof body.token === 'string' &&
  typeof body.sessionId === 'string' &&
  typeof body.expiresAt === 'string';
const isSessionBody = (body: unknown): boolean =>
  isObject(body) && typeof body.sessionId === 'string' && typeof body.customerId === 'string';

function sessionPath(operation: string, id: unknown): string {
  // `current` names the session of the token sent, not one your server can revoke by id: with an
  // API key the server would refuse it, so the mistake is named here instead.
  if (id === 'current') {
    throw usageError(operation, 'id must be a session id (ses_…); a customer logs out with PortalClient.logout()');
  }
  return idPath(operation, SESSIONS_PATH, id);
}

/**
 * Portal sessions, the server side: mint a session for a customer and revoke it. Reached as
 * `client.portal`; the calling key needs the `portal:write` scope. The customer's side, with the
 * token, is the portal client of `createPortalClient`.
 */
export class PortalSessions {
  readonly #transport: Pick<Transport, 'send'>;

  /** Made by `createClient`; reach it as `client.portal`. */
  constructor(transport: Pick<Transport, 'send'>) {
    this.#transport = transport;
  }

  /**
   * Mints a session for one customer of your tenant. Not retried (a retry could mint two). The
   * `token` is in the result this once: hand it to the customer, who sends it with
   * `createPortalClient({ token })`; keep `sessionId` to revoke the session early.
   *
   * @example
   * const { token, sessionId, expiresAt } = await client.portal.createSession({ customerId: 'cus_42', ttlSeconds: 900 });
   */
  async createSession(input: CreatePortalSessionInput, options?: CallOptions): Promise<CreatedPortalSession> {
    const { customerId, ttlSeconds } = checkInput('portal.createSession', input, 'an object with a customerId');
    const created = await this.#transport.send({
      operation: 'portal.createSession',
      method: 'POST',
      path: SESSIONS_PATH,
      body: { customerId, ttlSeconds },
      isExpectedBody: isCreatedBody,
      ...callOptions(options),
    });
    const { token, sessionId, expiresAt } = created as CreatedPortalSession;
    return { token, sessionId, expiresAt };
  }

  /**
   * Ends a session at once, by its id: its token answers 401 `invalid_session_token` from then
   * on. A session of another tenant or environment is `not_found`. Retried like every DELETE; a
   * retry after a lost response can therefore answer `not_found` for a session this call did end.
   */
  async revokeSession(id: string, options?: CallOptions): Promise<void> {
    await this.#transport.send({
      operation: 'portal.revokeSession',
      method: 'DELETE',
      path: sessionPath('portal.revokeSession', id),
      ...callOptions(options),
    });
  }
}

/**
 * The portal routes a session token opens: who the session acts for, and logging out. The calls
 * behind `PortalClient`'s `me()` and `logout()`.
 */
export class CurrentPortalSession {
  readonly #transport: Pick<Transport, 'send'>;

  /** Made by `createPortalClient`. */
  constructor(transport: Pick<Transport, 'send'>) {
    this.#transport = transport;
  }

  /** `GET /v1/portal/me`: the session of the token the portal client sends. */
  async me(options?: CallOptions): Promise<PortalSession> {
    return (await this.#transport.send({
      operation: 'PortalClient.me',
      method: 'GET',
      path: PORTAL_ME_PATH,
      isExpectedBody: isSessionBody,
      ...callOptions(options),
    })) as PortalSession;
  }

  /**
   * `DELETE /v1/portal/sessions/current`: ends the session of the token the portal client sends.
   * Retried like every DELETE; a retry after a lost response answers 401
   * `invalid_session_token`, since the session is gone.
   */
  async logout(options?: CallOptions): Promise<void> {
    await this.#transport.send({
      operation: 'PortalClient.logout',
      method: 'DELETE',
      path: CURRENT_SESSION_PATH,
      ...callOptions(options),
    });
  }
}

import type { PortalSession } from '@keyward/core';
import { createSessionGuard, type SessionGuardOptions, type SessionGuardResult } from '@keyward/core/adapter';
import type { Middleware } from 'koa';
import { CALLER } from './caller.js';
import { checkOnError, guardMiddleware, type OnApiKeyError } from './refuse.js';

/** What {@link sessionAuth} adds to `ctx.state`. */
export interface PortalSessionState {
  /** The portal session once its token is verified; absent without a token in optional mode. */
  portalSession?: PortalSession;
}

/** Options of {@link sessionAuth}: core's session guard options plus `onError`. */
export interface SessionAuthOptions extends SessionGuardOptions {
  /** Called instead of the standard response when a request is refused, as in {@link apiKeyAuth}. */
  onError?: OnApiKeyError<PortalSessionState>;
}

const SESSION_CALLER = `${CALLER}: sessionAuth`;

/**
 * Koa middleware (Koa 3 and 2) for customer portal routes: verifies the `X-Session-Token` and
 * sets `ctx.state.portalSession`. An API key is never taken for a session token. A refused
 * request gets the standard JSON error and never reaches the next middleware, unless `onError`
 * says otherwise. Throws at once when misconfigured.
 *
 * @example
 * router.get('/portal/me', sessionAuth({ store: sessions }), (ctx) => {
 *   ctx.body = { customer: getPortalSession(ctx).customerId };
 * });
 */
export function sessionAuth(options: SessionAuthOptions): Middleware<PortalSessionState> {
  const guard = createSessionGuard(options, { caller: SESSION_CALLER, adapterOptions: ['onError'] });
  const onError = checkOnError<PortalSessionState>(options?.onError, SESSION_CALLER);
  // ctx.ip, not the socket: app.proxy decides who the client is.
  return guardMiddleware<PortalSessionState, SessionGuardResult>(
    (ctx) => guard.check({ headers: ctx.headers, clientAddress: () => ctx.ip }),
    (ctx, result) => {
      ctx.state.portalSession = result.session ?? undefined;
    },
    onError,
  );
}

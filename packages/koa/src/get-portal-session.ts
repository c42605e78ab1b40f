import { ApiKeyError, type PortalSession } from '@keyward/core';

/**
 * The session {@link sessionAuth} put in `ctx.state`. Throws `missing_session_token` (an
 * `ApiKeyError`, status 401) when there is none, so a handler behind an optional guard, or
 * mounted without one by mistake, cannot go on as if a token had been checked.
 *
 * @example
 * router.get('/portal/me', (ctx) => { ctx.body = { customer: getPortalSession(ctx).customerId }; });
 */
export function getPortalSession(ctx: { state: { portalSession?: PortalSession | undefined } }): PortalSession {
  if (!ctx.state.portalSession) throw new ApiKeyError('missing_session_token');
  return ctx.state.portalSession;
}

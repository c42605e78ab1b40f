import { ApiKeyError, type PortalSession } from '@keyward/core';

/**
 * The session {@link sessionAuth} set on the request. Throws `missing_session_token` (an
 * `ApiKeyError`, status 401) when there is none, so a handler behind an optional guard, or on a
 * route that is not a session route, cannot go on as if a token had been checked. It also
 * narrows `request.portalSession`'s `PortalSession | null` for TypeScript.
 *
 * @example
 * app.get('/portal/me', { config: { keyward: { auth: 'session' } } }, async (request) => ({
 *   customer: getPortalSession(request).customerId,
 * }));
 */
export function getPortalSession(request: { portalSession?: PortalSession | null | undefined }): PortalSession {
  if (!request.portalSession) throw new ApiKeyError('missing_session_token');
  return request.portalSession;
}

import { ApiKeyError, type PortalSession } from '@keyward/core';

/**
 * The session {@link sessionAuth} attached to the request. Throws `missing_session_token` (an
 * `ApiKeyError`, status 401) when there is none, so a handler behind an optional guard, or
 * mounted without one by mistake, cannot go on as if a token had been checked.
 *
 * @example
 * app.get('/portal/me', (req, res) => res.json({ customer: getPortalSession(req).customerId }));
 */
export function getPortalSession(req: { portalSession?: PortalSession | undefined }): PortalSession {
  if (!req.portalSession) throw new ApiKeyError('missing_session_token');
  return req.portalSession;
}

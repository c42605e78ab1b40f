import { createSessionGuard, type SessionGuardOptions } from '@keyward/core/adapter';
import type { RequestHandler } from 'express';
import { CALLER } from './caller.js';
import { checkOnError, guardMiddleware, type OnApiKeyError } from './refuse.js';

/** Options of {@link sessionAuth}: core's session guard options plus `onError`. */
export interface SessionAuthOptions extends SessionGuardOptions {
  /** Called instead of the standard response when a request is refused, as in {@link apiKeyAuth}. */
  onError?: OnApiKeyError;
}

const SESSION_CALLER = `${CALLER}: sessionAuth`;

/**
 * Express middleware (Express 5 and 4) for customer portal routes: verifies the
 * `X-Session-Token` and sets `req.portalSession`. An API key is never taken for a session token.
 * A refused request gets the standard JSON error and never reaches the next handler, unless
 * `onError` says otherwise. Throws at once when misconfigured.
 *
 * @example
 * app.use('/portal', sessionAuth({ store: sessions }));
 * app.get('/portal/me', (req, res) => res.json({ customer: getPortalSession(req).customerId }));
 */
export function sessionAuth(options: SessionAuthOptions): RequestHandler {
  const guard = createSessionGuard(options, { caller: SESSION_CALLER, adapterOptions: ['onError'] });
  const onError = checkOnError(options?.onError, SESSION_CALLER);
  return guardMiddleware(
    (req) => guard.check({ headers: req.headers, clientAddress: () => req.ip }),
    (req, result) => {
      req.portalSession = result.session ?? undefined;
    },
    onError,
  );
}

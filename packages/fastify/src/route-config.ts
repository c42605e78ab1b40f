import { assertKnownOptions, validateScopes } from '@keyward/core/adapter';

/**
 * How keyward guards one route, under the route's `config.keyward`, so that keyward claims no
 * generic name (`scopes`) in an app's route config. `scopes` only exists for API key routes:
 * a session or a signature holds no scopes.
 */
export type KeywardRouteConfig =
  | {
      /** `'apiKey'` (the default): {@link apiKeyAuth} needs an API key. */
      auth?: 'apiKey';
      /** Scopes this route needs on top of the plugin's own. */
      scopes?: readonly string[];
    }
  | {
      /**
       * `'session'`: {@link sessionAuth} needs a portal session token. `'signature'`:
       * {@link webhookAuth} verifies a signed webhook. `'none'`: every request goes through.
       */
      auth: 'session' | 'signature' | 'none';
      scopes?: never;
    };

/** Which guard a route asks for. */
type RouteAuth = 'apiKey' | 'session' | 'signature' | 'none';

/** A route's config as the plugins use it per request, resolved once when the route is added. */
export interface ResolvedRouteConfig {
  auth: RouteAuth;
  scopes: readonly string[];
  /** Whether the route has a `config.keyward` at all: only a route that asks for a guard is refused without one. */
  declared: boolean;
}

const AUTH_VALUES: readonly string[] = ['apiKey', 'session', 'signature', 'none'];
const DEFAULT: ResolvedRouteConfig = { auth: 'apiKey', scopes: [], declared: false };

/**
 * Checks a route's `config.keyward` when the route is added, naming the route, so that a typo
 * (`{ auth: 'None' }`, `{ scope: [...] }`) or a misplaced field (`scopes` on a session route)
 * stops the app at boot instead of turning a restriction off in production.
 */
export function resolveRouteConfig(value: unknown, caller: string, route: string): ResolvedRouteConfig {
  if (value === undefined) return DEFAULT;
  const where = `config.keyward of ${route}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${caller}: ${where} must be an object such as { auth: 'none' } or { scopes: [...] }`);
  }
  assertKnownOptions(value, ['auth', 'scopes'], caller, where);
  const { auth = 'apiKey', scopes } = value as { auth?: unknown; scopes?: unknown };
  if (typeof auth !== 'string' || !AUTH_VALUES.includes(auth)) {
    throw new TypeError(`${caller}: ${where}.auth must be 'apiKey', 'session', 'signature' or 'none'`);
  }
  if (scopes !== undefined && auth !== 'apiKey') {
    throw new TypeError(`${caller}: ${where}.scopes only applies to API key routes, not to auth '${auth}'`);
  }
  return {
    auth: auth as RouteAuth,
    scopes: scopes === undefined ? [] : validateScopes(scopes, caller, `${where}.scopes`),
    declared: true,
  };
}

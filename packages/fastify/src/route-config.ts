import { assertKnownOptions, validateScopes } from '@keyward/core/adapter';

/**
 * How keyward guards one route, under the route's `config.keyward`, so that keyward claims no
 * generic name (`scopes`) in an app's route config.
 */
export interface KeywardRouteConfig {
  /** `'apiKey'` (the default under the plugin) needs an API key; `'none'` lets every request through. */
  auth?: 'apiKey' | 'none';
  /** Scopes this route needs on top of the plugin's own. */
  scopes?: readonly string[];
}

/** A route's config as the plugin uses it per request, resolved once when the route is added. */
export interface ResolvedRouteConfig {
  auth: 'apiKey' | 'none';
  scopes: readonly string[];
}

const AUTH_VALUES = ['apiKey', 'none'];
const DEFAULT: ResolvedRouteConfig = { auth: 'apiKey', scopes: [] };

/**
 * Checks a route's `config.keyward` when the route is added, naming the route, so that a typo
 * (`{ auth: 'None' }`, `{ scope: [...] }`) stops the app at boot instead of turning a
 * restriction off in production.
 */
export function resolveRouteConfig(value: unknown, caller: string, route: string): ResolvedRouteConfig {
  if (value === undefined) return DEFAULT;
  const where = `config.keyward of ${route}`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`${caller}: ${where} must be an object such as { auth: 'none' } or { scopes: [...] }`);
  }
  assertKnownOptions(value, ['auth', 'scopes'], caller, where);
  const { auth = 'apiKey', scopes } = value as KeywardRouteConfig;
  if (!AUTH_VALUES.includes(auth)) {
    throw new TypeError(`${caller}: ${where}.auth must be 'apiKey' or 'none'`);
  }
  return { auth, scopes: scopes === undefined ? [] : validateScopes(scopes, caller, `${where}.scopes`) };
}

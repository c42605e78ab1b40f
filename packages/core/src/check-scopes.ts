import { type ApiKeyError, refusal } from './errors.js';

/**
 * Whether `granted` covers every scope in `required`. `*` grants every scope; a required `*`
 * is covered only by a granted `*`.
 */
export function hasScopes(granted: readonly string[], required: readonly string[]): boolean {
  if (granted.includes('*')) return true;
  return required.every((scope) => granted.includes(scope));
}

/**
 * Checks that an authenticated key holds the required scopes. Without a context (a keyless
 * request let through by an optional guard) it is 401 `missing_api_key`: only a key holds
 * scopes.
 *
 * @example
 * const result = checkScopes(req.apiKey, ['keys:write']);
 * if (!result.ok) return send(result.error); // 401 missing_api_key or 403 insufficient_scope
 */
export function checkScopes(
  context: { scopes: readonly string[] } | null | undefined,
  required: readonly string[],
): { ok: true } | { ok: false; error: ApiKeyError } {
  if (context === null || context === undefined) return { ok: false, error: refusal('missing_api_key') };
  if (required.length === 0 || hasScopes(context.scopes, required)) return { ok: true };
  const missing = required.filter((scope) => !context.scopes.includes(scope));
  return {
    ok: false,
    error: refusal('insufficient_scope', { message: `API key lacks the scope: ${missing.join(', ')}` }),
  };
}

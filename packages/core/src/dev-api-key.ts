/**
 * The development key: a fixed, documented key that works out of the box in development
 * (`NODE_ENV` unset or a development value, see {@link isDevelopmentEnv}). It is public, so it must never open anything real; the reference
 * server refuses to start in production while it is enabled.
 */
export const DEV_API_KEY = '6b657977617264206465762d6b6579206e6f742d666f722d70726f64756374f1';

/** The tenant the development key belongs to. */
export const DEV_TENANT_ID = 'tenant_dev';
/** The environment the development key belongs to. */
export const DEV_ENVIRONMENT_ID = 'env_dev';
/** The user the development key belongs to. */
export const DEV_USER_ID = 'user_dev';

// The NODE_ENV values that mean development. Anything else counts as production: a typo or a
// spelling such as `Production`, `prod` or `"production "` must switch the public key off,
// never leave it on.
const DEVELOPMENT_ENVS = new Set(['', 'development', 'dev', 'test', 'local']);

/**
 * Whether this process runs in development: `NODE_ENV` unset, empty, or one of `development`,
 * `dev`, `test`, `local` (any case, surrounding spaces ignored). Every other value, whatever
 * its spelling, counts as production.
 */
export function isDevelopmentEnv(env: Record<string, string | undefined> = process.env): boolean {
  return DEVELOPMENT_ENVS.has((env.NODE_ENV ?? '').trim().toLowerCase());
}

/** Whether the development key may be used in this process: only in development ({@link isDevelopmentEnv}). */
export function isDevKeyAllowed(env: Record<string, string | undefined> = process.env): boolean {
  return isDevelopmentEnv(env);
}

/**
 * The development key: a fixed, documented key that works out of the box wherever `NODE_ENV`
 * is not `production`. It is public, so it must never open anything real; the reference
 * server refuses to start in production while it is enabled.
 */
export const DEV_API_KEY = '6b657977617264206465762d6b6579206e6f742d666f722d70726f64756374f1';

/** The tenant the development key belongs to. */
export const DEV_TENANT_ID = 'tenant_dev';
/** The environment the development key belongs to. */
export const DEV_ENVIRONMENT_ID = 'env_dev';
/** The user the development key belongs to. */
export const DEV_USER_ID = 'user_dev';

/** Whether the development key may be used in this process (`NODE_ENV` is not `production`). */
export function isDevKeyAllowed(env: Record<string, string | undefined> = process.env): boolean {
  return env.NODE_ENV !== 'production';
}

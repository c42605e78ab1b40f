/** Options for {@link createFailureLimiter}. */
export interface FailureLimitOptions {
  /** Failed attempts allowed from one client address per window. Default 20. */
  max?: number;
  /** The window, in milliseconds. Default 60,000 (one minute). */
  windowMs?: number;
  /** How many addresses to track; the oldest are forgotten first. Default 10,000. */
  maxClients?: number;
  /** The clock in milliseconds, for tests. */
  now?: () => number;
}

/** Counts failed authentication attempts per client address, in fixed windows. */
export interface FailureLimiter {
  /** Seconds until `client` may try again, or 0 when it is not limited. */
  retryAfter(client: string | undefined): number;
  /** Counts one failed attempt from `client`. */
  recordFailure(client: string | undefined): void;
  /** Forgets `client`. */
  reset(client: string | undefined): void;
}

/** The defaults adapters use when `failureLimit` is not given. */
export const DEFAULT_FAILURE_LIMIT = { max: 20, windowMs: 60_000 } as const;

function check(value: number | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new TypeError(`failureLimit.${name} must be an integer >= ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * Limits failed attempts per client address, to slow down guessing keys. A success does not
 * reset the count: otherwise one valid key would let its holder guess others without limit.
 *
 * @example
 * const limiter = createFailureLimiter({ max: 5, windowMs: 60_000 });
 * if (limiter.retryAfter(ip) > 0) return tooManyRequests();
 */
export function createFailureLimiter(options: FailureLimitOptions = {}): FailureLimiter {
  const max = check(options.max, DEFAULT_FAILURE_LIMIT.max, 'max', 1);
  const windowMs = check(options.windowMs, DEFAULT_FAILURE_LIMIT.windowMs, 'windowMs', 1);
  const maxClients = check(options.maxClients, 10_000, 'maxClients', 1);
  const now = options.now ?? Date.now;
  const clients = new Map<string, { count: number; start: number }>();
  const keyOf = (client: string | undefined) => client || 'unknown';

  return {
    retryAfter(client) {
      const entry = clients.get(keyOf(client));
      if (entry === undefined) return 0;
      const left = entry.start + windowMs - now();
      if (left <= 0) {
        clients.delete(keyOf(client));
        return 0;
      }
      return entry.count >= max ? Math.ceil(left / 1000) : 0;
    },
    recordFailure(client) {
      const key = keyOf(client);
      const at = now();
      const entry = clients.get(key);
      if (entry === undefined || entry.start + windowMs <= at) {
        clients.delete(key);
        clients.set(key, { count: 1, start: at });
        while (clients.size > maxClients) clients.delete(clients.keys().next().value as string);
      } else {
        entry.count += 1;
      }
    },
    reset(client) {
      clients.delete(keyOf(client));
    },
  };
}

/** Options for {@link createFailureLimiter}. */
export interface FailureLimitOptions {
  /** Failed attempts allowed from one client address per window. Default 20. */
  max?: number;
  /** The window, in milliseconds. Default 60,000 (one minute). */
  windowMs?: number;
  /** How many addresses to track, counting and locked each; the oldest are forgotten first. Default 10,000. */
  maxClients?: number;
  /** The clock in milliseconds, for tests. */
  now?: () => number;
}

/**
 * Counts failed authentication attempts per client address, in fixed windows. Attempts that
 * need the store are reserved before the lookup and settled after it, so that requests in
 * flight together (HTTP pipelining, many connections) cannot pass the limit between the
 * check and the count.
 */
export interface FailureLimiter {
  /** Seconds until `client` is no longer locked, or 0 when it is not. */
  retryAfter(client: string | undefined): number;
  /** Counts one failed attempt from `client` that needed no reservation (answered from the cache). */
  recordFailure(client: string | undefined): void;
  /**
   * Before a store lookup for `client`: `true` reserves a place (settle it with
   * {@link FailureLimiter.settle}); `false` when the attempts counted and in flight reach the
   * limit. A locked address is still given one lookup per `windowMs / max` (a probe), so a
   * valid key the cache does not know yet gets through behind an address others locked.
   */
  reserve(client: string | undefined): boolean;
  /** Settles a reservation: a failed attempt counts, any other outcome frees its place. */
  settle(client: string | undefined, failed: boolean): void;
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

interface Entry {
  /** Failed attempts in the window. */
  failures: number;
  /** Reserved attempts still in flight. */
  pending: number;
  /** When the window started. */
  start: number;
  /** When a locked address may next probe the store. */
  nextProbe: number;
}

/**
 * Limits failed attempts per client address, to slow down guessing keys and keep guesses off
 * the store. A success does not reset the count: otherwise one valid key would let its holder
 * guess others without limit. Locked addresses are kept apart from counting ones, so failures
 * from thousands of other addresses cannot push a locked one out.
 *
 * @example
 * const limiter = createFailureLimiter({ max: 5, windowMs: 60_000 });
 * if (limiter.retryAfter(ip) > 0) return tooManyRequests();
 */
export function createFailureLimiter(options: FailureLimitOptions = {}): FailureLimiter {
  const max = check(options.max, DEFAULT_FAILURE_LIMIT.max, 'max', 1);
  const windowMs = check(options.windowMs, DEFAULT_FAILURE_LIMIT.windowMs, 'windowMs', 1);
  const maxClients = check(options.maxClients, 10_000, 'maxClients', 1);
  const probeIntervalMs = Math.max(1, Math.floor(windowMs / max));
  const now = options.now ?? Date.now;
  // Insertion order is age: the first entry of each map is the oldest, forgotten first.
  const counting = new Map<string, Entry>();
  const locked = new Map<string, Entry>();
  const keyOf = (client: string | undefined) => client || 'unknown';

  function put(map: Map<string, Entry>, key: string, entry: Entry): void {
    map.set(key, entry);
    while (map.size > maxClients) map.delete(map.keys().next().value as string);
  }

  /** The live entry of `key`, dropping one whose window has ended (with nothing in flight). */
  function entryOf(key: string, at: number): Entry | undefined {
    const entry = locked.get(key) ?? counting.get(key);
    if (entry === undefined) return undefined;
    if (entry.start + windowMs <= at) {
      if (entry.pending > 0) {
        // A new window, keeping the attempts still in flight.
        entry.failures = 0;
        entry.start = at;
        locked.delete(key);
        if (!counting.has(key)) put(counting, key, entry);
        return entry;
      }
      locked.delete(key);
      counting.delete(key);
      return undefined;
    }
    return entry;
  }

  function fail(key: string, entry: Entry | undefined, at: number): void {
    if (entry === undefined) {
      put(counting, key, { failures: 1, pending: 0, start: at, nextProbe: 0 });
      entry = counting.get(key) as Entry;
    } else {
      entry.failures += 1;
    }
    if (entry.failures >= max && !locked.has(key)) {
      counting.delete(key);
      entry.nextProbe = at + probeIntervalMs;
      put(locked, key, entry);
    }
  }

  return {
    retryAfter(client) {
      const at = now();
      const entry = entryOf(keyOf(client), at);
      if (entry === undefined || entry.failures + entry.pending < max) return 0;
      return Math.max(1, Math.ceil((entry.start + windowMs - at) / 1000));
    },
    recordFailure(client) {
      const key = keyOf(client);
      const at = now();
      fail(key, entryOf(key, at), at);
    },
    reserve(client) {
      const key = keyOf(client);
      const at = now();
      const entry = entryOf(key, at);
      if (entry === undefined) {
        put(counting, key, { failures: 0, pending: 1, start: at, nextProbe: 0 });
        return true;
      }
      if (entry.failures + entry.pending < max) {
        entry.pending += 1;
        return true;
      }
      // Locked by failures (not only by attempts in flight): one probe per interval.
      if (entry.failures >= max && at >= entry.nextProbe) {
        entry.nextProbe = at + probeIntervalMs;
        entry.pending += 1;
        return true;
      }
      return false;
    },
    settle(client, failed) {
      const key = keyOf(client);
      const at = now();
      const entry = entryOf(key, at);
      if (entry !== undefined && entry.pending > 0) entry.pending -= 1;
      if (failed) fail(key, entry, at);
      else if (entry !== undefined && entry.failures === 0 && entry.pending === 0) counting.delete(key);
    },
    reset(client) {
      const key = keyOf(client);
      counting.delete(key);
      locked.delete(key);
    },
  };
}

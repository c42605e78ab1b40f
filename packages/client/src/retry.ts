/**
 * How the client waits between attempts. Every field is optional; `sleep`, `random` and `now`
 * exist so that tests can run the retry rules without waiting in real time.
 */
export interface BackoffOptions {
  /** The first retry waits up to this long (full jitter), doubling each time. Default 250 ms. */
  baseDelayMs?: number;
  /** No computed wait is longer than this. Default 8 s. */
  maxDelayMs?: number;
  /**
   * The longest `Retry-After` the client honours. A server asking for more is not retried: the
   * error is thrown at once with `retryAfterMs`, so the caller decides. Default 60 s.
   */
  maxRetryAfterMs?: number;
  /** Waits `ms` milliseconds. Default a `setTimeout` promise. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter. Default `Math.random`. */
  random?: () => number;
  /** The time in milliseconds since the epoch, for `Retry-After` dates. Default `Date.now`. */
  now?: () => number;
}

/** {@link BackoffOptions} with every default filled in. */
export type ResolvedBackoff = Required<BackoffOptions>;

/** The defaults of {@link BackoffOptions}. */
export const DEFAULT_BACKOFF: ResolvedBackoff = {
  baseDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
};

// RFC 9110 section 9.2.2: a client may repeat these automatically. POST and PATCH are not, unless
// the caller says so for one request.
const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);

/** Whether an HTTP method may be retried without the caller saying so. */
export function isIdempotentMethod(method: string): boolean {
  return IDEMPOTENT_METHODS.has(method.toUpperCase());
}

// 429: the server asks to come back later. 502/503/504: a proxy or the service is briefly away.
// Every other status, 500 included, is an answer that a second try would likely repeat.
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

/** Whether a response status is worth another attempt. */
export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUSES.has(status);
}

/**
 * The wait a `Retry-After` header asks for, in milliseconds: delay-seconds or an HTTP date
 * (RFC 9110 section 10.2.3). A date in the past is 0. Anything unreadable is `undefined`.
 */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) {
    const seconds = Number(text);
    return Number.isSafeInteger(seconds) ? seconds * 1000 : undefined;
  }
  // Only the shapes RFC 9110 allows for a date (IMF-fixdate, RFC 850, asctime), all of which
  // start with a day name: this keeps Date.parse's lenient guessing away from arbitrary input.
  if (!/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,? /.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * The wait before retry number `retry` (0 for the first retry): exponential, with full jitter
 * (a uniformly random wait between 0 and the exponential bound) so that many clients that
 * failed together do not come back together.
 */
export function backoffDelay(
  retry: number,
  options: Pick<ResolvedBackoff, 'baseDelayMs' | 'maxDelayMs' | 'random'>,
): number {
  const bound = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** retry);
  return Math.floor(options.random() * bound);
}

import { parseDuration } from './duration.js';
import { UsageError } from './io.js';

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;
// Keys outlive sessions: up to ten years from now, written as days (`3650d`).
const MAX_DAYS = 3650;

/** Whether year-month-day is a day of the calendar (not 2030-02-30). */
function isCalendarDay(year: string, month: string, day: string): boolean {
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return (
    date.getUTCFullYear() === Number(year) &&
    date.getUTCMonth() === Number(month) - 1 &&
    date.getUTCDate() === Number(day)
  );
}

/**
 * When a new key stops working, as the ISO 8601 timestamp the server takes, from `--expires-at`
 * (a date, `2030-01-31`, meaning its first instant in UTC, or a timestamp with its offset) or
 * `--expires-in` (a duration from `now`: `90d`); `undefined` when neither is given.
 *
 * @throws UsageError naming the flag (never the value), or when both are given.
 */
export function parseExpiry(
  expiresAt: string | undefined,
  expiresIn: string | undefined,
  command: string,
  now = Date.now(),
): string | undefined {
  if (expiresAt !== undefined && expiresIn !== undefined) {
    throw new UsageError(`${command}: give --expires-at or --expires-in, not both`);
  }
  if (expiresIn !== undefined)
    return new Date(now + parseDuration(expiresIn, 'expires-in', command, MAX_DAYS)! * 1000).toISOString();
  if (expiresAt === undefined) return undefined;
  const parts = DATE.exec(expiresAt) ?? TIMESTAMP.exec(expiresAt);
  const time = parts === null ? Number.NaN : Date.parse(DATE.test(expiresAt) ? `${expiresAt}T00:00:00Z` : expiresAt);
  if (parts === null || Number.isNaN(time) || !isCalendarDay(parts[1]!, parts[2]!, parts[3]!)) {
    throw new UsageError(
      `${command}: --expires-at must be a date (2030-01-31) or a timestamp with its offset (2030-01-31T18:00:00Z)`,
    );
  }
  return new Date(time).toISOString();
}

import { UsageError } from './io.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86_400 };
// Whole numbers only, one unit: `90s`, `15m`, `1h`, `7d`, or bare seconds. Past a year is a
// typo, not a session or a grace period; the server has its own, tighter, limits.
const DURATION = /^(\d{1,9})([smhd]?)$/;
const A_YEAR = 366;

/**
 * The seconds of a duration flag (`--ttl 1h`, `--grace 0`), or `undefined` when the flag was
 * not given. A value that is not a duration is a {@link UsageError} that names the flag, never
 * the value (it might be a secret typed in the wrong place).
 *
 * @example
 * parseDuration('15m', 'ttl', 'keyward portal create-session'); // 900
 */
export function parseDuration(
  value: string | undefined,
  flag: string,
  command: string,
  maxDays = A_YEAR,
): number | undefined {
  if (value === undefined) return undefined;
  const match = DURATION.exec(value);
  const seconds = match === null ? Number.NaN : Number(match[1]) * UNIT_SECONDS[match[2] || 's']!;
  if (!(seconds <= maxDays * 86_400)) {
    const most = maxDays === A_YEAR ? 'a year' : `${maxDays} days`;
    throw new UsageError(`${command}: --${flag} must be a duration such as 90s, 15m, 1h or 1d (at most ${most})`);
  }
  return seconds;
}

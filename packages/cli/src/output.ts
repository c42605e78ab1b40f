import { type ApiKey, isKeywardError, toSnakeCase } from '@keyward/client';
import { printable } from './io.js';

/**
 * What `--json` prints: the value as the API sends it. The client camelCases every response
 * (`display_id` → `displayId`); its own `toSnakeCase` turns the names back, so the CLI keeps no
 * list of field names of its own.
 */
export function toJson(value: unknown): string {
  return `${JSON.stringify(toSnakeCase(value), null, 2)}\n`;
}

/**
 * An error as `--json` prints it on stderr: the API's error body (`{"error":{"code","message"}}`),
 * with the HTTP status when there was a response; a usage error is `usage_error`.
 */
export function errorJson(err: unknown): string {
  if (isKeywardError(err)) {
    const status = err.status ? { status: err.status } : {};
    return `${JSON.stringify({ error: { code: err.code, message: err.message, ...status } })}\n`;
  }
  return `${JSON.stringify({ error: { code: 'usage_error', message: (err as Error).message } })}\n`;
}

/** A timestamp for a table, to the minute in UTC (`2030-01-01 00:00 UTC`); `never` for none. */
export function formatTime(iso: string | null): string {
  if (iso === null) return 'never';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return printable(iso);
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * A key's status as it works now: `expired` once its `expires_at` has passed (it answers 403
 * `expired_api_key`) even if the server, a cache or an older server still says `active`.
 */
export function currentStatus(apiKey: ApiKey, now = Date.now()): string {
  if (apiKey.expiresAt !== null && Date.parse(apiKey.expiresAt) <= now) return 'expired';
  return printable(apiKey.status);
}

/** Rows under a header row, each column as wide as its widest cell, two spaces apart. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

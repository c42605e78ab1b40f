// Every TypeError of @keyward/client says which package and which function refused: a
// stack trace is not always at hand (a log line, a bug report), and the package exports several
// functions whose options share names (`header`, `timeoutMs`).

const PACKAGE = '@keyward/client';

/** `@keyward/client: <fn>`: who is speaking, for messages and for core's `assertKnownOptions`. */
export function usageCaller(fn: string): string {
  return `${PACKAGE}: ${fn}`;
}

/**
 * A TypeError for a misused function or a bad option, such as
 * `@keyward/client: createClient: options.timeoutMs must be ...` or
 * `@keyward/client: keys.get: id must be a non-empty string`. The message never quotes a value
 * that could be a key.
 */
export function usageError(fn: string, message: string): TypeError {
  return new TypeError(`${usageCaller(fn)}: ${message}`);
}

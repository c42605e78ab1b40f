import { isApiKeyFormat, isSessionTokenFormat } from '@keyward/core';
import { printable, UsageError } from './io.js';

const WEBHOOK_SECRET = /^wh(?:sec|sk)_/;

/** `gracePeriodSeconds` → `--grace-period-seconds`: how a flag was typed. */
function flagName(option: string): string {
  return `--${option.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)}`;
}

/**
 * Refuses every flag given to `command` that it does not take. The `keyward` command parses
 * every command's flags at once, so without this a flag of another command (`--grace-period-seconds`
 * where `--grace` is meant) would be dropped without a word, and a rotation would use the
 * server's grace period instead of the one asked for.
 *
 * @throws UsageError naming the first such flag (never its value).
 */
export function refuseOtherFlags(command: string, options: object, allowed: readonly string[]): void {
  for (const [option, value] of Object.entries(options)) {
    if (value === undefined || value === false || allowed.includes(option)) continue;
    throw new UsageError(`${command}: ${flagName(option)} is not an option of this command`);
  }
}

/**
 * Refuses a flag value shaped like a key, a session token or a webhook secret: one pasted into
 * `--id` or `--customer` would be printed back, or sent to the server as a name.
 *
 * @throws UsageError naming the flag, never the value, and saying to rotate the secret, since it
 *   is now in the shell history.
 */
export function refuseSecretValue(command: string, flag: string, value: string | undefined): void {
  if (value === undefined) return;
  if (looksSecret(value)) {
    throw new UsageError(
      `${command}: --${flag} looks like a key, token or secret, which no flag takes; it is now in your shell history: rotate it`,
    );
  }
}

/** Whether `value` is shaped like a key, a session token or a webhook secret. */
function looksSecret(value: string): boolean {
  return isApiKeyFormat(value) || isSessionTokenFormat(value) || WEBHOOK_SECRET.test(value);
}

/**
 * An id as a question shows it (`Revoke key key_1?`): made printable, and not shown at all when it
 * is shaped like a secret pasted in the wrong place (the client then refuses to send it).
 */
export function shownId(id: string): string {
  return looksSecret(id) ? '(the id given, not shown)' : printable(id);
}

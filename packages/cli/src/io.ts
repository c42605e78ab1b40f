/** What a command may touch: its output streams, its input and the environment. Injected for tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The whole of standard input. */
  readStdin: () => Promise<string>;
  /**
   * The whole of standard input as bytes, for a command that signs them (`webhooks sign`): text
   * decoding could change bytes that are not UTF-8, and the signature must cover what curl
   * sends. Without it, `readStdin` is used and its text encoded as UTF-8.
   */
  readStdinBytes?: () => Promise<Uint8Array>;
  env: Record<string, string | undefined>;
  /**
   * Present when a person types on standard input (a terminal): destructive commands ask them
   * first, and `hash` reads a pasted key without showing it. Absent, a destructive command needs
   * `--yes`.
   */
  terminal?: CliTerminal;
}

/** Questions to the person at the terminal; the prompts go to stderr. */
export interface CliTerminal {
  /** Shows `question` and answers the line typed. */
  ask: (question: string) => Promise<string>;
  /** Shows `prompt` and answers the line typed without echoing it, for a pasted key. */
  readHidden: (prompt: string) => Promise<string>;
}

/**
 * A mistake in how the command was called: printed with the usage, exit code 2. Its message is
 * the whole line the terminal shows, starting with the command as it was called, e.g.
 * `keyward keys get: takes one key id`, so that it says the same when thrown to a caller of
 * `keysCommand` or `hashCommand`.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * How a usage error names a word typed where a command belongs: back as typed only when it
 * cannot be a key or part of one (a short lowercase word with a letter past `f`), otherwise not
 * at all, since it may be a key pasted in the wrong place.
 */
export function nameTyped(word: string): string {
  return /^[a-z-]{1,32}$/.test(word) && /[g-z]/.test(word) ? word : '(not shown)';
}

/**
 * A server-given text made safe to print on a terminal: control characters (ESC sequences,
 * CR, LF), bidirectional marks and overrides are shown as `\u{…}`
 * escapes, so a name can never move the cursor, rewrite a line or reverse what follows it. The
 * server refuses such names; this holds for any server.
 */
export function printable(text: string): string {
  return text.replace(
    /[\p{Cc}\u061C\u200E\u200F\u2028\u2029\u202A-\u202E\u2066-\u2069\uFEFF]/gu,
    (char) => `\\u{${(char.codePointAt(0) ?? 0).toString(16)}}`,
  );
}

/**
 * Whether a destructive command may go ahead: at once with `--yes`; at a terminal when the person
 * answers yes to `question` (anything else changes nothing, and says so); never without a terminal,
 * since a script that forgot `--yes` must not delete what a person would have been asked about.
 *
 * @throws UsageError when there is neither `--yes` nor a terminal, before any request is sent.
 */
export async function confirm(
  io: CliIo,
  command: string,
  question: string,
  yes: boolean | undefined,
): Promise<boolean> {
  if (yes === true) return true;
  if (io.terminal === undefined) {
    throw new UsageError(`${command}: --yes is required when not run at a terminal`);
  }
  const answer = (await io.terminal.ask(`${question} [y/N] `)).trim().toLowerCase();
  if (answer === 'y' || answer === 'yes') return true;
  io.stderr(`${command}: nothing was changed\n`);
  return false;
}

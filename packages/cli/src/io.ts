/** What a command may touch: its output streams, its input and the environment. Injected for tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The whole of standard input. */
  readStdin: () => Promise<string>;
  env: Record<string, string | undefined>;
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

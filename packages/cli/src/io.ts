/** What a command may touch: its output streams, its input and the environment. Injected for tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** The whole of standard input. */
  readStdin: () => Promise<string>;
  env: Record<string, string | undefined>;
}

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

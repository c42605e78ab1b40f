import type { CliIo } from '../src/io.js';

export interface FakeIoOptions {
  stdin?: string;
  env?: Record<string, string | undefined>;
  /** A person at a terminal: `answers` are typed to the questions asked, in order. */
  terminal?: { answers?: string[]; hidden?: string };
}

/** A CliIo that records what a command printed, asked and read. */
export function fakeIo(options: FakeIoOptions = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  const answers = [...(options.terminal?.answers ?? [])];
  let stdinReads = 0;
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => {
      stdinReads++;
      return options.stdin ?? '';
    },
    env: options.env ?? {},
  };
  if (options.terminal) {
    io.terminal = {
      ask: async (question) => {
        asked.push(question);
        return answers.shift() ?? '';
      },
      readHidden: async (prompt) => {
        asked.push(prompt);
        return options.terminal?.hidden ?? '';
      },
    };
  }
  return {
    io,
    out: () => out.join(''),
    err: () => err.join(''),
    asked,
    stdinReads: () => stdinReads,
  };
}

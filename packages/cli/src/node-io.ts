import { createInterface } from 'node:readline/promises';
import type { CliIo, CliTerminal } from './io.js';

/** The exit code of a command whose reader went away (`keyward keys list | head -1`): 128 + SIGPIPE, as a shell reports it. */
const CLOSED_PIPE_EXIT = 141;

/** All of standard input; `prompt` first when a person is typing it. */
async function readAll(prompt: string): Promise<Buffer> {
  if (process.stdin.isTTY) process.stderr.write(`${prompt}\n`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** One line from the terminal with echo off (raw mode), so that a pasted key never shows. */
function readHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  // Echo off before the prompt: whatever is typed once the prompt shows is never echoed.
  stdin.setRawMode(true);
  process.stderr.write(prompt);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve) => {
    let typed = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
    };
    const onData = (chunk: string) => {
      // Bracketed paste wraps a paste in ESC [200~ … ESC [201~; neither is part of the key.
      for (const char of chunk.replace(/\u001b\[20[01]~/g, '')) {
        if (char === '\r' || char === '\n' || char === '\u0004') {
          finish();
          resolve(typed);
          return;
        }
        if (char === '\u0003') {
          // Ctrl-C: the terminal is back to normal first, then the process stops as it would have.
          finish();
          process.exit(130);
        }
        typed = char === '\u007f' || char === '\b' ? typed.slice(0, -1) : typed + char;
      }
    };
    stdin.on('data', onData);
  });
}

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return await rl.question(question);
  } finally {
    rl.close();
  }
}

/**
 * Writes to `stream` until its reader goes away; then writes nothing more and leaves exit code
 * 141, quietly, as `cat` or `ls` do when killed by SIGPIPE (Node ignores the signal, so the
 * failed write would otherwise crash the process with a stack trace).
 */
function writer(stream: NodeJS.WriteStream, onClosed: () => void): (text: string) => void {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (closed || err.code === 'EPIPE') {
      closed = true;
      onClosed();
      return;
    }
    process.exitCode = 1;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}

/** The real process's streams and environment, and the terminal when stdin is one. */
export function nodeIo(): CliIo & { outputClosed: () => boolean } {
  let outputClosed = false;
  const closed = () => {
    outputClosed = true;
    process.exitCode = CLOSED_PIPE_EXIT;
  };
  const terminal: CliTerminal | undefined = process.stdin.isTTY ? { ask, readHidden } : undefined;
  return {
    stdout: writer(process.stdout, closed),
    stderr: writer(process.stderr, closed),
    env: process.env,
    readStdin: async () => (await readAll('Paste the key, then press Ctrl-D:')).toString('utf8'),
    readStdinBytes: () => readAll('Paste the body, then press Ctrl-D:'),
    ...(terminal === undefined ? {} : { terminal }),
    outputClosed: () => outputClosed,
  };
}

import type { CliIo } from './io.js';

/** All of standard input; `prompt` first when a person is typing it. */
async function readAll(prompt: string): Promise<Buffer> {
  if (process.stdin.isTTY) process.stderr.write(`${prompt}\n`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** The real process's streams and environment. */
export function nodeIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    env: process.env,
    readStdin: async () => (await readAll('Paste the key, then press Ctrl-D:')).toString('utf8'),
    readStdinBytes: () => readAll('Paste the body, then press Ctrl-D:'),
  };
}

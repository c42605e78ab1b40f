import { hashApiKey, isApiKeyFormat } from '@keyward/core';
import { type CliIo, UsageError } from '../io.js';

/**
 * `keyward hash [-]`: the SHA-256 of a key read from standard input. The key is not taken as an
 * argument, where it would land in shell history and in the process list; at a terminal it is
 * read without being shown, so a pasted key does not stay on the screen or in its scrollback.
 */
export async function hashCommand(io: CliIo, args: string[]): Promise<number> {
  if (args.length > 0 && !(args.length === 1 && args[0] === '-')) {
    throw new UsageError('keyward hash: reads the key from standard input, e.g. `keyward hash < key.txt`');
  }
  const typed = io.terminal
    ? await io.terminal.readHidden('Paste the key (it is not shown), then press Enter: ')
    : await io.readStdin();
  const key = typed.trim();
  if (!isApiKeyFormat(key)) {
    // The input is not echoed back: it may be a secret of another kind.
    io.stderr('keyward hash: the input is not a keyward key (64 lowercase hex characters)\n');
    return 1;
  }
  io.stdout(`${hashApiKey(key)}\n`);
  return 0;
}

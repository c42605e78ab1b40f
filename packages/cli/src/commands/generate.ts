import { generateApiKey, hashApiKey, toDisplayId } from '@keyward/core';
import type { CliIo } from '../io.js';

/**
 * `keyward generate [--json]`: a new key and its SHA-256. The key goes to stdout only; put the
 * hash, never the key, into a `KEYWARD_CONFIG` file.
 */
export function generateCommand(io: CliIo, options: { json: boolean }): number {
  const key = generateApiKey();
  const hash = hashApiKey(key);
  if (options.json) {
    io.stdout(`${JSON.stringify({ key, hash, display_id: toDisplayId(key) })}\n`);
  } else {
    io.stdout(`${key}\n`);
    io.stderr(`hash: ${hash}\nStore the key now (it is shown once); configure servers with its hash.\n`);
  }
  return 0;
}

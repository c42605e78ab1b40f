import { readFileSync } from 'node:fs';
import { DEV_API_KEY, generateWebhookSecret } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../src/io.js';
import { runCli, USAGE } from '../src/run-cli.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/**
 * Every `keyward …` call in the README's shell examples, as argv: continuation lines joined, and
 * cut at a comment, a redirection, a pipe or the end of a `$(…)`.
 */
function readmeCalls(): string[][] {
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/\\\n/g, ' '));
  const calls: string[][] = [];
  for (const line of blocks.flatMap((block) => block.split('\n'))) {
    for (const match of line.matchAll(/(?:^|\$\()keyward ([^#<>|)]*)/g)) {
      calls.push(match[1]!.trim().split(/\s+/));
    }
  }
  return calls;
}

describe('README', () => {
  it('calls every command the way the CLI takes it (no usage error)', async () => {
    const calls = readmeCalls();
    const seen = new Set(calls.map((argv) => argv.slice(0, 2).join(' ')));
    for (const command of ['portal create-session', 'portal revoke-session', 'webhooks create', 'webhooks sign']) {
      expect(seen, command).toContain(command);
    }
    for (const argv of calls) {
      const err: string[] = [];
      const io: CliIo = {
        stdout: () => {},
        stderr: (t) => err.push(t),
        // A key for `hash < key.txt`; any body does for `webhooks sign < body.json`.
        readStdin: async () => DEV_API_KEY,
        // Nothing listens on port 9: a command that is called right fails there, with exit 1.
        env: {
          KEYWARD_API_KEY: DEV_API_KEY,
          KEYWARD_BASE_URL: 'http://127.0.0.1:9',
          WEBHOOK_SECRET: generateWebhookSecret(),
        },
      };
      const code = await runCli(argv, io);
      expect(code, `keyward ${argv.join(' ')}: ${err.join('')}`).not.toBe(2);
      if (code === 1) expect(err.join(''), argv.join(' ')).toMatch(/^keyward: network_error/);
    }
  });

  it('lists every command of the usage in its table, and no other', () => {
    const table = [...readme.matchAll(/^\| `([a-z-]+(?: [a-z-]+)?)[ `]/gm)].map((m) => m[1]!);
    // The commands are the usage's first paragraph, after its first line.
    const commands = USAGE.split('\n\n')[1]!;
    const usage = [...commands.matchAll(/^ {2}([a-z-]+(?: [a-z-]+)?)/gm)].map((m) => m[1]!);
    expect(usage.length).toBeGreaterThanOrEqual(16);
    expect(new Set(table)).toEqual(new Set(usage));
  });
});

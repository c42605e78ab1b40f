import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEV_API_KEY, generateWebhookSecret } from '@keyward/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/io.js';
import { runCli, USAGE } from '../src/run-cli.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
// The repository's README shows the command too: it must stay current with it.
const rootReadme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const scratch = mkdtempSync(join(tmpdir(), 'keyward-readme-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/**
 * Every `keyward …` call in a README's shell examples, as argv: continuation lines joined, and
 * cut at a comment, a redirection, a pipe or the end of a `$(…)`.
 */
function readmeCalls(text: string): string[][] {
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.replace(/\\\n/g, ' '));
  const calls: string[][] = [];
  for (const line of blocks.flatMap((block) => block.split('\n'))) {
    for (const match of line.matchAll(/(?:^|\$\()keyward ([^#<>|)]*)/g)) {
      // The shell's quotes are not part of an argument: `--scopes '*'` passes `*`.
      calls.push(
        match[1]!
          .trim()
          .split(/\s+/)
          .map((word) => word.replace(/^'(.*)'$/, '$1')),
      );
    }
  }
  return calls;
}

/** Runs one README call the way a person at a terminal would, answering yes to a confirmation. */
async function runAsTyped(argv: string[]): Promise<{ code: number; err: string }> {
  const err: string[] = [];
  // `config add` writes its file in a scratch folder, not in the repository.
  const args = argv.map((word, i) => (argv[i - 1] === '--file' ? join(scratch, word) : word));
  const io: CliIo = {
    stdout: () => {},
    stderr: (t) => err.push(t),
    // A key for `hash < key.txt`; any body does for `webhooks sign < body.json`.
    readStdin: async () => DEV_API_KEY,
    terminal: { ask: async () => 'y', readHidden: async () => DEV_API_KEY },
    // Nothing listens on port 9: a command that is called right fails there, with exit 1.
    env: {
      KEYWARD_API_KEY: DEV_API_KEY,
      KEYWARD_BASE_URL: 'http://127.0.0.1:9',
      WEBHOOK_SECRET: generateWebhookSecret(),
    },
  };
  return { code: await runCli(args, io), err: err.join('') };
}

describe('README', () => {
  it('calls every command the way the CLI takes it (no usage error)', async () => {
    const calls = readmeCalls(readme);
    const seen = new Set(calls.map((argv) => argv.slice(0, 2).join(' ')));
    for (const command of [
      'portal create-session',
      'portal revoke-session',
      'webhooks create',
      'webhooks sign',
      'config add',
      'completion bash',
      'keys revoke',
    ]) {
      expect(seen, command).toContain(command);
    }
    for (const argv of calls) {
      const { code, err } = await runAsTyped(argv);
      expect(code, `keyward ${argv.join(' ')}: ${err}`).not.toBe(2);
      if (code === 1) expect(err, argv.join(' ')).toMatch(/^keyward: network_error/);
    }
  });

  it('lists every command of the usage in its table, and no other', () => {
    const table = [...readme.matchAll(/^\| `([a-z-]+(?: [a-z-]+)?)[ `]/gm)].map((m) => m[1]!);
    // The commands are the usage's first paragraph, after its first line.
    const commands = USAGE.split('\n\n')[1]!;
    const usage = [...commands.matchAll(/^ {2}([a-z-]+(?: [a-z-]+)?)/gm)].map((m) => m[1]!);
    expect(usage.length).toBeGreaterThanOrEqual(18);
    expect(new Set(table)).toEqual(new Set(usage));
  });
});

describe("the repository's README", () => {
  it('shows three keyward commands, each called the way the CLI takes it', async () => {
    const calls = readmeCalls(rootReadme);
    expect(calls.map((argv) => argv.slice(0, 2).join(' '))).toEqual(['keys create', 'keys list', 'config add']);
    for (const argv of calls) {
      const { code, err } = await runAsTyped(argv);
      expect(code, `keyward ${argv.join(' ')}: ${err}`).not.toBe(2);
      if (code === 1) expect(err, argv.join(' ')).toMatch(/^keyward: network_error/);
    }
  });
});

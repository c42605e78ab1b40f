import { hashApiKey, isApiKeyFormat, verifyWebhook } from '@keyward/core';
import { describe, expect, it } from 'vitest';
import { commandHelp } from './help.js';
import type { CliIo } from './io.js';
import { runCli, USAGE } from './run-cli.js';

function fakeIo(stdin = '', env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => stdin,
    env,
  };
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('keyward generate', () => {
  it('prints a new key on stdout and its hash on stderr', async () => {
    const t = fakeIo();
    expect(await runCli(['generate'], t.io)).toBe(0);
    const key = t.out().trim();
    expect(isApiKeyFormat(key)).toBe(true);
    expect(t.err()).toContain(`hash: ${hashApiKey(key)}`);
  });

  it('prints key, hash and display id as JSON with --json', async () => {
    const t = fakeIo();
    expect(await runCli(['generate', '--json'], t.io)).toBe(0);
    const parsed = JSON.parse(t.out()) as { key: string; hash: string; display_id: string };
    expect(parsed.hash).toBe(hashApiKey(parsed.key));
    expect(parsed.display_id).toBe(`${parsed.key.slice(0, 6)}***${parsed.key.slice(-2)}`);
  });

  it('gives a different key each time', async () => {
    const a = fakeIo();
    const b = fakeIo();
    await runCli(['generate'], a.io);
    await runCli(['generate'], b.io);
    expect(a.out()).not.toBe(b.out());
  });
});

describe('keyward hash', () => {
  it('hashes the key read from stdin, ignoring the trailing newline', async () => {
    const key = 'ab'.repeat(32);
    const t = fakeIo(`${key}\n`);
    expect(await runCli(['hash'], t.io)).toBe(0);
    expect(t.out()).toBe(`${hashApiKey(key)}\n`);
  });

  it('refuses input that is not a key without echoing it', async () => {
    const secret = 'sk_live_not_a_keyward_key';
    const t = fakeIo(secret);
    expect(await runCli(['hash'], t.io)).toBe(1);
    expect(t.out()).toBe('');
    expect(t.err()).not.toContain(secret);
  });

  it('refuses a key given as an argument, where it would land in shell history', async () => {
    const key = 'ab'.repeat(32);
    const t = fakeIo();
    expect(await runCli(['hash', key], t.io)).toBe(2);
    expect(t.out()).toBe('');
    expect(t.err()).not.toContain(key);
  });
});

describe('usage', () => {
  it('prints the usage with exit 2 when called without a command', async () => {
    const t = fakeIo();
    expect(await runCli([], t.io)).toBe(2);
    expect(t.out()).toBe(USAGE);
  });

  it('prints the usage with exit 0 for --help', async () => {
    const t = fakeIo();
    expect(await runCli(['--help'], t.io)).toBe(0);
    expect(t.out()).toBe(USAGE);
  });

  it('answers an unknown command or option with exit 2 and the usage on stderr', async () => {
    for (const argv of [['frobnicate'], ['generate', '--nope'], ['keys', 'explode']]) {
      const t = fakeIo('', { KEYWARD_API_KEY: 'ab'.repeat(32) });
      expect(await runCli(argv, t.io)).toBe(2);
      expect(t.err()).toContain('Usage: keyward');
    }
  });

  it("starts a usage error with the command as it was called, then prints that command's help", async () => {
    const cases: [string[], string][] = [
      [['keys', 'get'], 'keyward keys get: takes one key id\n'],
      [['keys', 'list', '--limit', 'ten'], 'keyward keys list: --limit must be a whole number\n'],
      [['keys', 'update', 'key_1', '--active', 'yes'], 'keyward keys update: --active must be true or false\n'],
      [['generate', 'now'], 'keyward generate: takes no arguments\n'],
      [['frobnicate'], 'keyward: unknown command: frobnicate\n'],
    ];
    for (const [argv, line] of cases) {
      const t = fakeIo('', { KEYWARD_API_KEY: 'ab'.repeat(32) });
      expect(await runCli(argv, t.io)).toBe(2);
      const help = argv[0] === 'frobnicate' ? USAGE : commandHelp(argv[0] === 'keys' ? `keys ${argv[1]}` : argv[0]!);
      expect(t.err()).toBe(`${line}\n${help}`);
    }
  });

  it('never echoes a key typed where a command belongs', async () => {
    const key = 'ab'.repeat(32);
    for (const argv of [[key], ['keys', key], ['keys', key.slice(0, 20)], [`${key.slice(0, 20)}-${key}`]]) {
      const t = fakeIo('', { KEYWARD_API_KEY: 'cd'.repeat(32) });
      expect(await runCli(argv, t.io)).toBe(2);
      expect(t.err()).toContain('unknown command: (not shown)\n');
      expect(t.err()).not.toContain(key.slice(0, 20));
    }
  });

  it('fails a keys command without KEYWARD_API_KEY before any request, with exit 1', async () => {
    const t = fakeIo('', {});
    expect(await runCli(['keys', 'list', '--base-url', 'http://127.0.0.1:9'], t.io)).toBe(1);
    expect(t.err()).toContain('missing_api_key');
  });
});

describe('keyward portal and webhooks', () => {
  it('lists every portal and webhooks command in the usage', () => {
    for (const line of [
      'portal create-session --customer ID [--ttl 1h]',
      'portal revoke-session <id>',
      'webhooks create [--name NAME]',
      'webhooks list',
      'webhooks delete <id>',
      'webhooks rotate-secret <id> [--grace 24h]',
      'webhooks deliveries <id> [--limit N] [--offset N]',
      'webhooks sign --secret-env VAR --id ID < body',
    ]) {
      expect(USAGE).toContain(line);
    }
  });

  it('signs stdin with the secret from the named variable, needing no key and no server', async () => {
    const secret = `whsec_${Buffer.alloc(32, 3).toString('base64')}`;
    const t = fakeIo('{"type":"ping"}', { HOOK_SECRET: secret });
    expect(await runCli(['webhooks', 'sign', '--secret-env', 'HOOK_SECRET', '--id', 'msg_1'], t.io)).toBe(0);
    const headers = Object.fromEntries(
      t
        .out()
        .trim()
        .split('\n')
        .map((l) => l.split(': ') as [string, string]),
    );
    expect(verifyWebhook({ headers, payload: '{"type":"ping"}', secrets: secret }).ok).toBe(true);
    expect(t.err()).toBe('');
  });

  it('refuses a flag of another command with exit 2 and the usage, before any request', async () => {
    const cases: [string[], string][] = [
      [
        ['webhooks', 'rotate-secret', 'whe_1', '--grace-period-seconds', '60'],
        'keyward webhooks rotate-secret: --grace-period-seconds is not an option of this command\n',
      ],
      [
        ['portal', 'create-session', '--customer', 'c', '--limit', '5'],
        'keyward portal create-session: --limit is not an option of this command\n',
      ],
      [
        ['portal', 'create-session', '--customer', 'c', '--ttl', 'later'],
        'keyward portal create-session: --ttl must be a duration such as 90s, 15m, 1h or 1d (at most a year)\n',
      ],
      [['portal'], 'keyward portal: unknown command: (none)\n'],
      [['webhooks'], 'keyward webhooks: unknown command: (none)\n'],
    ];
    for (const [argv, line] of cases) {
      const t = fakeIo('', { KEYWARD_API_KEY: 'ab'.repeat(32), KEYWARD_BASE_URL: 'http://127.0.0.1:9' });
      expect(await runCli(argv, t.io)).toBe(2);
      // A command that was found prints its own help; a group without its command, the usage.
      expect(t.err()).toBe(`${line}\n${argv.length === 1 ? USAGE : commandHelp(argv.slice(0, 2).join(' '))}`);
    }
  });

  it('fails a portal or webhooks command without KEYWARD_API_KEY before any request, with exit 1', async () => {
    for (const argv of [
      ['portal', 'create-session', '--customer', 'c'],
      ['webhooks', 'list'],
    ]) {
      const t = fakeIo('', {});
      expect(await runCli([...argv, '--base-url', 'http://127.0.0.1:9'], t.io)).toBe(1);
      expect(t.err()).toContain('missing_api_key');
    }
  });

  it('never echoes a secret pasted where an id or a flag value belongs', async () => {
    const secret = `whsec_${Buffer.alloc(32, 4).toString('base64')}`;
    const token = `kws_${'Zz09_-'.repeat(7)}q`;
    for (const argv of [
      ['webhooks', 'delete', secret],
      ['webhooks', 'sign', secret],
      ['webhooks', 'sign', '--secret-env', secret, '--id', 'm'],
      ['webhooks', 'sign', '--secret-env', 'S', '--id', secret],
      ['portal', 'create-session', '--customer', token],
      ['portal', 'create-session', '--customer', 'ef'.repeat(32)],
      ['portal', 'revoke-session', token],
      ['portal', token],
    ]) {
      const t = fakeIo('', { KEYWARD_API_KEY: 'ab'.repeat(32) });
      expect(await runCli([...argv, '--base-url', 'http://127.0.0.1:9'], t.io)).toBe(2);
      expect(t.out() + t.err()).not.toContain(secret.slice(6, 30));
      expect(t.out() + t.err()).not.toContain(token.slice(4, 30));
      expect(t.out() + t.err()).not.toContain('efefefef');
    }
  });
});

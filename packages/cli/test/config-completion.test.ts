import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashApiKey, isApiKeyFormat, parseKeyConfig } from '@keyward/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../src/run-cli.js';
import { fakeIo } from './fake-io.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'keyward-cli-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const existing = {
  keys: [{ hash: 'ab'.repeat(32), name: 'ci', tenant_id: 't1', environment_id: 'prod', scopes: ['keys:read'] }],
};

describe('keyward config add', () => {
  it('mints a key, adds its hash to the file, and prints the key once on stdout only', async () => {
    const file = join(dir, 'keys.json');
    writeFileSync(file, JSON.stringify(existing), { mode: 0o640 });
    const t = fakeIo();
    const argv = [
      'config',
      'add',
      '--file',
      file,
      '--tenant',
      't1',
      '--environment',
      'prod',
      '--scopes',
      'keys:read,keys:write',
    ];
    expect(await runCli([...argv, '--name', 'deploy', '--expires-at', '2030-01-01'], t.io), t.err()).toBe(0);
    const key = t.out().trim();
    expect(isApiKeyFormat(key)).toBe(true);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(key);
    expect(t.err()).not.toContain(key);
    const config = parseKeyConfig(text);
    expect(config.keys).toHaveLength(2);
    expect(config.keys[0]!.hash).toBe('ab'.repeat(32));
    expect(config.keys[1]).toEqual({
      hash: hashApiKey(key),
      name: 'deploy',
      tenantId: 't1',
      environmentId: 'prod',
      userId: null,
      active: true,
      scopes: ['keys:read', 'keys:write'],
      expiresAt: new Date('2030-01-01T00:00:00.000Z'),
    });
    expect(statSync(file).mode & 0o777).toBe(0o640);
  });

  it('creates the file when it is missing', async () => {
    const file = join(dir, 'new.json');
    const t = fakeIo();
    expect(await runCli(['config', 'add', '--file', file, '--tenant', 't1', '--environment', 'dev'], t.io)).toBe(0);
    const config = parseKeyConfig(readFileSync(file, 'utf8'));
    expect(config.keys.map((k) => k.hash)).toEqual([hashApiKey(t.out().trim())]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('leaves a file the server would refuse as it is, with exit 1, and prints no key', async () => {
    const file = join(dir, 'keys.json');
    const broken = JSON.stringify({ keys: [{ ...existing.keys[0], hash: 'nope' }] });
    writeFileSync(file, broken);
    const t = fakeIo();
    expect(await runCli(['config', 'add', '--file', file, '--tenant', 't1', '--environment', 'dev'], t.io)).toBe(1);
    expect(readFileSync(file, 'utf8')).toBe(broken);
    expect(t.out()).toBe('');
    expect(t.err()).toContain('keys[0] ("ci").hash');
    expect(t.err()).toContain('nothing was written');
  });

  it('refuses a missing flag or a value the config would refuse with exit 2, writing nothing', async () => {
    const file = join(dir, 'keys.json');
    const cases: [string[], string][] = [
      [['--tenant', 't1', '--environment', 'dev'], 'keyward config add: --file is required'],
      [['--file', file, '--environment', 'dev'], 'keyward config add: --tenant is required'],
      [['--file', file, '--tenant', 't1'], 'keyward config add: --environment is required'],
      [['--file', file, '--tenant', 't 1', '--environment', 'dev'], 'keyward config add: keys[0] ("static").tenant_id'],
      [['--file', file, '--tenant', 't1', '--environment', 'dev', 'extra'], 'keyward config add: takes no arguments'],
    ];
    for (const [flags, message] of cases) {
      const t = fakeIo();
      expect(await runCli(['config', 'add', ...flags], t.io), flags.join(' ')).toBe(2);
      expect(t.err()).toContain(message);
      expect(t.out()).toBe('');
    }
    expect(() => statSync(file)).toThrow();
  });
});

describe('keyward completion', () => {
  async function readCompletion(shell: string): Promise<string> {
    const t = fakeIo();
    expect(await runCli(['completion', shell], t.io)).toBe(0);
    return t.out();
  }

  it('completes commands, subcommands and the flags of the command typed, in bash', async () => {
    const script = await readCompletion('bash');
    const run = (line: string) => {
      const words = line.split(' ');
      const program = `${script}\nCOMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _keyward; printf '%s\\n' "\${COMPREPLY[@]}"`;
      return execFileSync('bash', ['-c', program], { encoding: 'utf8' }).split('\n').filter(Boolean);
    };
    expect(run('keyward ')).toEqual(
      expect.arrayContaining(['generate', 'hash', 'config', 'keys', 'portal', 'webhooks', 'completion']),
    );
    expect(run('keyward keys ')).toEqual(['list', 'get', 'create', 'update', 'revoke', 'rotate', '--help']);
    expect(run('keyward keys r')).toEqual(['revoke', 'rotate']);
    expect(run('keyward keys list --')).toEqual([
      '--limit',
      '--offset',
      '--json',
      '--base-url',
      '--environment-id',
      '--help',
    ]);
    expect(run('keyward keys list --limit 5 --o')).toEqual(['--offset']);
    expect(run('keyward completion ')).toEqual(['bash', 'zsh', 'fish', '--help']);
    expect(run('keyward keys revoke key_1 --y')).toEqual(['--yes']);
  });

  it('prints a zsh script over bash completion, and a fish script of the same commands and flags', async () => {
    const zsh = await readCompletion('zsh');
    expect(zsh.split('\n')[0]).toBe('#compdef keyward');
    expect(zsh).toContain('bashcompinit');
    const fish = await readCompletion('fish');
    expect(fish).toContain(
      "complete -c keyward -n '__fish_seen_subcommand_from keys; and not __fish_seen_subcommand_from list get create update revoke rotate' -a revoke",
    );
    expect(fish).toContain(
      "complete -c keyward -n '__fish_seen_subcommand_from keys; and __fish_seen_subcommand_from revoke' -l yes -s y",
    );
    for (const shell of ['bash', 'zsh']) {
      execFileSync('bash', ['-n', '-c', await readCompletion(shell)]);
    }
  });

  it('refuses another shell with exit 2', async () => {
    const t = fakeIo();
    expect(await runCli(['completion', 'powershell'], t.io)).toBe(2);
    expect(t.err()).toMatch(/^keyward completion: takes one shell: bash, zsh or fish/);
  });
});

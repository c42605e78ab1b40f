// The keyward command through runCli against a stand-in server on port 0: how it is called,
// what it prints, what it asks. The reference server's own tests run it against the real routes.
import { hashApiKey } from '@keyward/core';
import { afterEach, describe, expect, it } from 'vitest';
import pkg from '../package.json' with { type: 'json' };
import { commandHelp } from '../src/help.js';
import { runCli, USAGE } from '../src/run-cli.js';
import { fakeIo } from './fake-io.js';
import { type FakeServer, type Reply, startFakeServer, WIRE_API_KEY } from './fake-server.js';

const CALLER = 'cd'.repeat(32);
const NEW_KEY = 'ef'.repeat(32);
const KEYS = '/v1/secrets/api/keys';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(routes: Record<string, Reply> = {}) {
  server = await startFakeServer(routes);
  return { KEYWARD_API_KEY: CALLER, KEYWARD_BASE_URL: server.baseUrl };
}

describe('keyward --version', () => {
  it('prints the version of the package with exit 0', async () => {
    for (const argv of [['--version'], ['-V']]) {
      const t = fakeIo();
      expect(await runCli(argv, t.io)).toBe(0);
      expect(t.out()).toBe(`keyward ${pkg.version}\n`);
      expect(t.err()).toBe('');
    }
  });
});

describe('help', () => {
  it('prints the help of the command asked about, with examples, not the global usage', async () => {
    for (const argv of [
      ['keys', 'list', '--help'],
      ['keys', 'list', '-h'],
      ['help', 'keys', 'list'],
    ]) {
      const t = fakeIo();
      expect(await runCli(argv, t.io), argv.join(' ')).toBe(0);
      expect(t.out()).toBe(commandHelp('keys list'));
      expect(t.out()).toMatch(/^Usage: keyward keys list \[--limit N\] \[--offset N\]/);
      expect(t.out()).toContain('\nExamples:\n  keyward keys list');
      expect(t.out()).not.toContain('portal create-session');
    }
  });

  it('prints the subcommands of a group for `keyward keys --help`', async () => {
    const t = fakeIo();
    expect(await runCli(['keys', '--help'], t.io)).toBe(0);
    for (const sub of ['list', 'get', 'create', 'update', 'revoke', 'rotate']) expect(t.out()).toContain(`keys ${sub}`);
    expect(t.out()).not.toContain('webhooks sign');
  });

  it('has help, with an example, for every command of the usage', async () => {
    const names = [...USAGE.split('\n\n')[1]!.matchAll(/^ {2}([a-z-]+(?: [a-z-]+)?)/gm)].map((m) => m[1]!);
    for (const name of names) {
      const t = fakeIo();
      expect(await runCli([...name.split(' '), '--help'], t.io), name).toBe(0);
      expect(t.out(), name).toMatch(new RegExp(`^Usage: keyward ${name}`));
      expect(t.out(), name).toContain(`\nExamples:\n  keyward ${name}`);
    }
  });
});

describe('calling a command wrongly: exit 2 and its usage line', () => {
  it('refuses extra arguments instead of ignoring them', async () => {
    const env = await serve();
    const cases: [string[], string][] = [
      [['keys', 'list', 'extra'], 'keyward keys list: takes no arguments'],
      [
        ['keys', 'create', '--name', 'ci', 'extra'],
        'keyward keys create: takes no arguments; name the key with --name',
      ],
      [['keys', 'revoke', 'key_1', 'key_2', '--yes'], 'keyward keys revoke: takes one key id'],
    ];
    for (const [argv, line] of cases) {
      const t = fakeIo({ env });
      expect(await runCli(argv, t.io), argv.join(' ')).toBe(2);
      expect(t.err()).toMatch(new RegExp(`^${line.replace(/[[\]()]/g, '\\$&')}\n\nUsage: keyward keys `));
    }
    expect(server!.requests).toEqual([]);
  });

  it('refuses a create without --name with exit 2, before any request', async () => {
    const env = await serve();
    const t = fakeIo({ env });
    expect(await runCli(['keys', 'create', '--scopes', 'keys:read'], t.io)).toBe(2);
    expect(t.err()).toMatch(/^keyward keys create: --name is required\n\nUsage: keyward keys create /);
    expect(server!.requests).toEqual([]);
  });

  it('refuses a flag another keys command takes', async () => {
    const env = await serve();
    const t = fakeIo({ env });
    expect(await runCli(['keys', 'list', '--grace-period-seconds', '5'], t.io)).toBe(2);
    expect(t.err()).toMatch(/^keyward keys list: --grace-period-seconds is not an option of this command\n/);
  });

  it('says what an unknown option or a missing value is, not parseArgs’ own message', async () => {
    const cases: [string[], string][] = [
      [['keys', 'list', '--nope'], 'keyward: --nope is not an option\n'],
      [['keys', 'list', '--limit'], 'keyward: --limit needs a value\n'],
    ];
    for (const [argv, line] of cases) {
      const t = fakeIo();
      expect(await runCli(argv, t.io)).toBe(2);
      expect(t.err().split('\n')[0]).toBe(line.trimEnd());
      expect(t.err()).not.toContain('To specify a positional argument');
    }
  });
});

describe('keys create: when a key expires', () => {
  it('takes a date as midnight UTC of that day, and a full timestamp as given', async () => {
    const created: Reply = { status: 201, body: { api_key: NEW_KEY, secret: WIRE_API_KEY } };
    const env = await serve({ [`POST ${KEYS}`]: created });
    for (const [value, sent] of [
      ['2030-01-01', '2030-01-01T00:00:00.000Z'],
      ['2030-06-01T12:30:00+02:00', '2030-06-01T10:30:00.000Z'],
    ]) {
      const t = fakeIo({ env });
      expect(await runCli(['keys', 'create', '--name', 'ci', '--expires-at', value!], t.io), t.err()).toBe(0);
      expect((server!.requests.at(-1)!.body as { expires_at: string }).expires_at).toBe(sent);
    }
  });

  it('takes a duration from now with --expires-in', async () => {
    const created: Reply = { status: 201, body: { api_key: NEW_KEY, secret: WIRE_API_KEY } };
    const env = await serve({ [`POST ${KEYS}`]: created });
    const t = fakeIo({ env });
    const before = Date.now();
    expect(await runCli(['keys', 'create', '--name', 'ci', '--expires-in', '90d'], t.io), t.err()).toBe(0);
    const after = Date.now();
    const sent = Date.parse((server!.requests[0]!.body as { expires_at: string }).expires_at);
    const ninetyDays = 90 * 86_400_000;
    expect(sent).toBeGreaterThanOrEqual(before + ninetyDays - 1000);
    expect(sent).toBeLessThanOrEqual(after + ninetyDays);
  });

  it('refuses a date that is not one, and both flags at once, with exit 2', async () => {
    const env = await serve();
    const cases: [string[], string][] = [
      [['--expires-at', '2030-02-30'], '--expires-at must be a date (2030-01-31) or a timestamp with its offset'],
      [['--expires-at', 'tomorrow'], '--expires-at must be a date (2030-01-31) or a timestamp with its offset'],
      [['--expires-in', 'soon'], '--expires-in must be a duration'],
      [['--expires-at', '2030-01-01', '--expires-in', '1d'], 'give --expires-at or --expires-in, not both'],
    ];
    for (const [flags, message] of cases) {
      const t = fakeIo({ env });
      expect(await runCli(['keys', 'create', '--name', 'ci', ...flags], t.io), flags.join(' ')).toBe(2);
      expect(t.err()).toContain(`keyward keys create: ${message}`);
    }
    expect(server!.requests).toEqual([]);
  });
});

describe('destructive commands ask first', () => {
  const revoke: Record<string, Reply> = {
    [`DELETE ${KEYS}/key_1`]: { status: 204 },
    'DELETE /v1/webhooks/endpoints/whe_1': { status: 204 },
    'DELETE /v1/portal/sessions/ses_1': { status: 204 },
  };
  const commands = [
    ['keys', 'revoke', 'key_1'],
    ['webhooks', 'delete', 'whe_1'],
    ['portal', 'revoke-session', 'ses_1'],
  ];

  it('asks on a terminal and does nothing unless the answer is yes', async () => {
    const env = await serve(revoke);
    for (const argv of commands) {
      for (const answer of ['', 'n', 'no', 'maybe']) {
        const t = fakeIo({ env, terminal: { answers: [answer] } });
        expect(await runCli(argv, t.io), `${argv.join(' ')} / ${answer}`).toBe(1);
        expect(t.asked).toHaveLength(1);
        expect(t.asked[0]).toContain(argv[2]);
        expect(t.asked[0]).toMatch(/\[y\/N\] $/);
        expect(t.err()).toContain('nothing was changed');
      }
    }
    expect(server!.requests).toEqual([]);
  });

  it('goes ahead on a terminal when the answer is yes', async () => {
    const env = await serve(revoke);
    for (const argv of commands) {
      const t = fakeIo({ env, terminal: { answers: ['y'] } });
      expect(await runCli(argv, t.io), t.err()).toBe(0);
    }
    expect(server!.requests.map((r) => r.method)).toEqual(['DELETE', 'DELETE', 'DELETE']);
  });

  it('refuses without a terminal unless --yes is given, and never asks with --yes', async () => {
    const env = await serve(revoke);
    for (const argv of commands) {
      const t = fakeIo({ env });
      expect(await runCli(argv, t.io)).toBe(2);
      expect(t.err()).toContain(`keyward ${argv[0]} ${argv[1]}: --yes is required when not run at a terminal`);
    }
    expect(server!.requests).toEqual([]);
    for (const argv of commands) {
      const asked = fakeIo({ env, terminal: { answers: [] } });
      expect(await runCli([...argv, '--yes'], asked.io)).toBe(0);
      expect(asked.asked).toEqual([]);
      expect(await runCli([...argv, '-y'], fakeIo({ env }).io)).toBe(0);
    }
  });
});

describe('--json prints the API’s own records', () => {
  it('prints a key record exactly as the server sent it, snake_case and all', async () => {
    const page = { items: [WIRE_API_KEY], pagination: { total: 1, limit: 50, offset: 0 } };
    const env = await serve({
      [`GET ${KEYS}/key_1`]: { status: 200, body: WIRE_API_KEY },
      [`GET ${KEYS}`]: { status: 200, body: page },
      [`POST ${KEYS}`]: { status: 201, body: { api_key: NEW_KEY, secret: WIRE_API_KEY } },
      [`PATCH ${KEYS}/key_1`]: { status: 200, body: WIRE_API_KEY },
      [`POST ${KEYS}/key_1/rotate`]: { status: 201, body: { api_key: NEW_KEY, secret: WIRE_API_KEY } },
    });
    const cases: [string[], unknown][] = [
      [['keys', 'get', 'key_1'], WIRE_API_KEY],
      [['keys', 'list'], page],
      [['keys', 'create', '--name', 'ci'], { api_key: NEW_KEY, secret: WIRE_API_KEY }],
      [['keys', 'update', 'key_1', '--name', 'ci'], WIRE_API_KEY],
      [['keys', 'rotate', 'key_1'], { api_key: NEW_KEY, secret: WIRE_API_KEY }],
    ];
    for (const [argv, body] of cases) {
      const t = fakeIo({ env });
      expect(await runCli([...argv, '--json'], t.io), t.err()).toBe(0);
      expect(JSON.parse(t.out()), argv.join(' ')).toEqual(body);
    }
  });

  it('prints an error as the API’s error body on stderr, with the exit code', async () => {
    const env = await serve();
    const t = fakeIo({ env });
    expect(await runCli(['keys', 'get', 'key_9', '--json'], t.io)).toBe(1);
    expect(t.out()).toBe('');
    expect(JSON.parse(t.err())).toEqual({ error: { code: 'not_found', message: 'Not found', status: 404 } });
  });

  it('prints a usage error as JSON too, with exit 2', async () => {
    const t = fakeIo();
    expect(await runCli(['keys', 'get', '--json'], t.io)).toBe(2);
    expect(JSON.parse(t.err())).toEqual({
      error: { code: 'usage_error', message: 'keyward keys get: takes one key id' },
    });
  });
});

describe('keys list', () => {
  it('prints a table with a header row, aligned columns and when each key was last used', async () => {
    const other = {
      ...WIRE_API_KEY,
      id: 'key_22',
      name: 'deploy-bot',
      display_id: 'abcdef***12',
      scopes: ['keys:read', 'keys:write'],
      expires_at: null,
      last_used_at: null,
    };
    const env = await serve({
      [`GET ${KEYS}`]: {
        status: 200,
        body: { items: [WIRE_API_KEY, other], pagination: { total: 2, limit: 50, offset: 0 } },
      },
    });
    const t = fakeIo({ env });
    expect(await runCli(['keys', 'list'], t.io), t.err()).toBe(0);
    const [header, first, second] = t.out().split('\n');
    expect(header!.split(/ {2,}/)).toEqual(['ID', 'NAME', 'DISPLAY ID', 'STATUS', 'SCOPES', 'EXPIRES', 'LAST USED']);
    expect(first!.split(/ {2,}/)).toEqual([
      'key_1',
      'ci',
      'efefef***ef',
      'active',
      'keys:read',
      '2030-01-01 00:00 UTC',
      '2026-03-04 05:06 UTC',
    ]);
    expect(second!.split(/ {2,}/)).toEqual([
      'key_22',
      'deploy-bot',
      'abcdef***12',
      'active',
      'keys:read,keys:write',
      'never',
      'never',
    ]);
    for (const column of ['NAME', 'STATUS', 'LAST USED']) {
      const at = header!.indexOf(column);
      const value = { NAME: ['ci', 'deploy-bot'], STATUS: ['active', 'active'], 'LAST USED': ['2026', 'never'] }[
        column
      ]!;
      expect(first!.indexOf(value[0]!, at - 1), column).toBe(at);
      expect(second!.indexOf(value[1]!, at - 1), column).toBe(at);
    }
  });

  it('shows a key past its expiry as expired, whatever status the server sent', async () => {
    const stale = { ...WIRE_API_KEY, status: 'active', expires_at: '2001-01-01T00:00:00.000Z' };
    const env = await serve({
      [`GET ${KEYS}`]: { status: 200, body: { items: [stale], pagination: { total: 1, limit: 50, offset: 0 } } },
    });
    const t = fakeIo({ env });
    expect(await runCli(['keys', 'list'], t.io)).toBe(0);
    expect(t.out().split('\n')[1]!.split(/ {2,}/)[3]).toBe('expired');
  });
});

describe('keyward hash at a terminal', () => {
  it('reads the pasted key without echoing it, instead of reading stdin', async () => {
    const key = 'ab'.repeat(32);
    const t = fakeIo({ terminal: { hidden: key } });
    expect(await runCli(['hash'], t.io)).toBe(0);
    expect(t.out()).toBe(`${hashApiKey(key)}\n`);
    expect(t.stdinReads()).toBe(0);
    expect(t.asked).toEqual(['Paste the key (it is not shown), then press Enter: ']);
  });
});

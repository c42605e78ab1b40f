import { parseArgs } from 'node:util';
import { isKeywardError } from '@keyward/client';
import { generateCommand } from './commands/generate.js';
import { hashCommand } from './commands/hash.js';
import { keysCommand } from './commands/keys.js';
import { portalCommand } from './commands/portal.js';
import { webhooksCommand } from './commands/webhooks.js';
import { type CliIo, nameTyped, UsageError } from './io.js';

/** The help text of the `keyward` command. */
export const USAGE = `Usage: keyward <command> [options]

  generate [--json]             a new API key on stdout (its hash on stderr)
  hash < key.txt                the SHA-256 of a key read from stdin, for KEYWARD_CONFIG
  keys list [--limit N] [--offset N]
  keys get <id>
  keys create --name NAME [--scopes a,b] [--expires-at ISO-8601]
  keys update <id> [--name NAME] [--active true|false]
  keys revoke <id>
  keys rotate <id> [--grace-period-seconds N]
  portal create-session --customer ID [--ttl 1h]   the token on stdout, once
  portal revoke-session <id>
  webhooks create [--name NAME]                     the secret on stdout, once
  webhooks list
  webhooks delete <id>
  webhooks rotate-secret <id> [--grace 24h]         the new secret on stdout, once
  webhooks deliveries <id> [--limit N] [--offset N]
  webhooks sign --secret-env VAR --id ID < body     the webhook-* headers for the body

Options for keys, portal and webhooks: --base-url URL (default $KEYWARD_BASE_URL, else
  http://127.0.0.1:3000), --environment-id ID, --json. The calling key is read from
  $KEYWARD_API_KEY only, a webhook secret from the variable --secret-env names: never from
  an argument. Durations: 90s, 15m, 1h, 1d, or seconds.
`;

/**
 * Every flag that was given, camelCased (`--secret-env` → `secretEnv`), for a command that
 * refuses the flags it does not take (`refuseOtherFlags`).
 */
function givenFlags(values: Record<string, string | boolean | undefined>): Record<string, string | boolean> {
  const given: Record<string, string | boolean> = {};
  for (const [flag, value] of Object.entries(values)) {
    if (value !== undefined && flag !== 'help')
      given[flag.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase())] = value;
  }
  return given;
}

/**
 * Runs the `keyward` command with `argv` (without `node` and the script) and returns the exit
 * code: 0 done, 1 failed, 2 called wrongly.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), nodeIo());
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h' },
        json: { type: 'boolean' },
        'base-url': { type: 'string' },
        'environment-id': { type: 'string' },
        limit: { type: 'string' },
        offset: { type: 'string' },
        name: { type: 'string' },
        scopes: { type: 'string' },
        'expires-at': { type: 'string' },
        active: { type: 'string' },
        'grace-period-seconds': { type: 'string' },
        customer: { type: 'string' },
        ttl: { type: 'string' },
        grace: { type: 'string' },
        'secret-env': { type: 'string' },
        id: { type: 'string' },
      },
    });
    const [command, ...rest] = positionals;
    if (values.help || command === undefined || command === 'help') {
      io.stdout(USAGE);
      return command === undefined && !values.help ? 2 : 0;
    }
    switch (command) {
      case 'generate':
        if (rest.length > 0) throw new UsageError('keyward generate: takes no arguments');
        return generateCommand(io, { json: values.json ?? false });
      case 'hash':
        return await hashCommand(io, rest);
      case 'keys':
        return await keysCommand(io, rest, {
          baseUrl: values['base-url'],
          environmentId: values['environment-id'],
          json: values.json ?? false,
          limit: values.limit,
          offset: values.offset,
          name: values.name,
          scopes: values.scopes,
          expiresAt: values['expires-at'],
          active: values.active,
          gracePeriodSeconds: values['grace-period-seconds'],
        });
      case 'portal':
        return await portalCommand(io, rest, givenFlags(values));
      case 'webhooks':
        return await webhooksCommand(io, rest, givenFlags(values));
      default:
        throw new UsageError(`keyward: unknown command: ${nameTyped(command)}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`${err.message}\n\n${USAGE}`);
      return 2;
    }
    if ((err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr(`keyward: ${(err as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (isKeywardError(err)) {
      // KeywardError messages are redacted by the client: no key reaches the terminal.
      io.stderr(`keyward: ${err.code}${err.status ? ` (${err.status})` : ''}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof TypeError) {
      io.stderr(`keyward: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

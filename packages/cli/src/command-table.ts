/**
 * Every flag of the `keyward` command, by its name as typed. `runCli` parses them all at once;
 * each command then refuses the ones it does not take, and the help and the shell completions
 * are written from this table and {@link COMMANDS}, so the three never disagree.
 */
export const FLAGS = {
  help: { type: 'boolean', short: 'h', help: 'this help' },
  version: { type: 'boolean', short: 'V', help: 'the version of keyward' },
  json: { type: 'boolean', help: "the API's own record (snake_case) on stdout; errors as JSON on stderr" },
  yes: { type: 'boolean', short: 'y', help: 'do it without asking (needed when not run at a terminal)' },
  'base-url': {
    type: 'string',
    value: 'URL',
    help: 'the server (default $KEYWARD_BASE_URL, else http://127.0.0.1:3000)',
  },
  'environment-id': {
    type: 'string',
    value: 'ID',
    help: 'sent as X-Environment-ID: refuse a key of another environment',
  },
  limit: { type: 'string', value: 'N', help: 'how many to list (default the server’s)' },
  offset: { type: 'string', value: 'N', help: 'how many to skip' },
  name: { type: 'string', value: 'NAME', help: 'the name people see' },
  scopes: { type: 'string', value: 'a,b', help: 'the scopes, comma-separated (`*` for all)' },
  'expires-at': {
    type: 'string',
    value: 'DATE',
    help: 'when it stops working: 2030-01-31 (midnight UTC) or 2030-01-31T18:00:00Z',
  },
  'expires-in': { type: 'string', value: 'DURATION', help: 'when it stops working, from now: 90d, 12h' },
  active: { type: 'string', value: 'true|false', help: 'reactivate (true) or deactivate (false)' },
  'grace-period-seconds': {
    type: 'string',
    value: 'N',
    help: 'how long the old key keeps working (default 0: revoked at once)',
  },
  customer: { type: 'string', value: 'ID', help: 'the customer the session acts for' },
  ttl: { type: 'string', value: 'DURATION', help: 'how long the token works (default the server’s, 1h)' },
  grace: {
    type: 'string',
    value: 'DURATION',
    help: 'how long the old secret keeps verifying (default the server’s, 24h)',
  },
  'secret-env': {
    type: 'string',
    value: 'VAR',
    help: 'the environment variable that holds the secret (never the secret)',
  },
  id: { type: 'string', value: 'ID', help: 'the webhook-id, such as msg_1' },
  file: { type: 'string', value: 'FILE', help: 'the static-key config file (KEYWARD_CONFIG); created if missing' },
  tenant: { type: 'string', value: 'ID', help: 'the tenant the key belongs to' },
  environment: { type: 'string', value: 'ID', help: 'the environment the key belongs to' },
  user: { type: 'string', value: 'ID', help: 'the user the key belongs to (default none)' },
} as const satisfies Record<string, { type: 'boolean' | 'string'; short?: string; value?: string; help: string }>;

export type FlagName = keyof typeof FLAGS;

/** One command of `keyward`: its name, how it is called, what it does, and an example or more. */
export interface CommandSpec {
  /** As typed: `keys list`. */
  name: string;
  /** What follows the name in its usage line: `<id> [--grace-period-seconds N]`. */
  synopsis: string;
  /** One line for the global usage. */
  summary: string;
  /** Its help's paragraph. */
  description: string;
  /** The flags it takes beyond `--help` (and `--base-url`, `--environment-id` when `server`). */
  flags: readonly FlagName[];
  /** It calls a server: takes `--base-url` and `--environment-id`, and needs `KEYWARD_API_KEY`. */
  server?: boolean;
  /** Values its positional argument takes, for completion (`completion bash`). */
  choices?: readonly string[];
  examples: readonly string[];
}

const SERVER_DESCRIPTION = 'The calling key is read from $KEYWARD_API_KEY only, never from an argument.';

export const COMMANDS: readonly CommandSpec[] = [
  {
    name: 'generate',
    synopsis: '[--json]',
    summary: 'a new API key on stdout (its hash on stderr)',
    description:
      'Makes a new key (32 random bytes, 64 hex characters): the key alone on stdout, its SHA-256 on stderr. Configure servers with the hash, never the key.',
    flags: ['json'],
    examples: ['keyward generate > key.txt', 'keyward generate --json'],
  },
  {
    name: 'hash',
    synopsis: '< key.txt',
    summary: 'the SHA-256 of a key read from stdin, for KEYWARD_CONFIG',
    description:
      'Prints the SHA-256 of the key on standard input. At a terminal it asks for the key and reads it without showing it. Refuses anything that is not a key, without echoing it.',
    flags: [],
    examples: ['keyward hash < key.txt', 'keyward hash'],
  },
  {
    name: 'config add',
    synopsis: '--file FILE --tenant ID --environment ID [--scopes a,b] [--name NAME]',
    summary: 'a new static key: its hash into FILE, the key on stdout, once',
    description:
      'Makes a new key and adds its hash to a static-key config file (KEYWARD_CONFIG), which is checked before and after, and written only if it stays valid. The key goes alone to stdout, once; the file never holds it. Restart the server to load it.',
    flags: ['file', 'tenant', 'environment', 'scopes', 'name', 'user', 'expires-at', 'expires-in', 'json'],
    examples: [
      "keyward config add --file keys.json --tenant t1 --environment prod --scopes '*' --name bootstrap > key.txt",
    ],
  },
  {
    name: 'keys list',
    synopsis: '[--limit N] [--offset N]',
    summary: 'one page of the keys, newest first',
    description: `One page of the keys of the calling key's tenant and environment, newest first, as a table (a key past its expiry shows as expired). ${SERVER_DESCRIPTION}`,
    flags: ['limit', 'offset', 'json'],
    server: true,
    examples: ['keyward keys list --limit 20', "keyward keys list --json | jq -r '.items[].id'"],
  },
  {
    name: 'keys get',
    synopsis: '<id>',
    summary: "one key's record",
    description: `One key's record. ${SERVER_DESCRIPTION}`,
    flags: ['json'],
    server: true,
    examples: ['keyward keys get key_123', 'keyward keys get key_123 --json'],
  },
  {
    name: 'keys create',
    synopsis: '--name NAME [--scopes a,b] [--expires-at DATE | --expires-in DURATION]',
    summary: 'a new key: the key alone on stdout, once',
    description: `Issues a key: the key alone on stdout, shown once; its record on stderr. Without --scopes it gets the calling key's scopes. ${SERVER_DESCRIPTION}`,
    flags: ['name', 'scopes', 'expires-at', 'expires-in', 'json'],
    server: true,
    examples: [
      'keyward keys create --name ci --scopes keys:read > ci-key.txt',
      'keyward keys create --name contractor --expires-in 90d > key.txt',
    ],
  },
  {
    name: 'keys update',
    synopsis: '<id> [--name NAME] [--active true|false]',
    summary: 'rename, deactivate or reactivate a key',
    description: `Renames, deactivates (--active false) or reactivates a key. ${SERVER_DESCRIPTION}`,
    flags: ['name', 'active', 'json'],
    server: true,
    examples: ['keyward keys update key_123 --active false', 'keyward keys update key_123 --name deploy'],
  },
  {
    name: 'keys revoke',
    synopsis: '<id> [--yes]',
    summary: 'delete a key: it stops working at once',
    description: `Deletes a key: it stops working at once, and cannot be brought back. Asks first at a terminal; elsewhere --yes is required. ${SERVER_DESCRIPTION}`,
    flags: ['yes', 'json'],
    server: true,
    examples: ['keyward keys revoke key_123', 'keyward keys revoke key_123 --yes'],
  },
  {
    name: 'keys rotate',
    synopsis: '<id> [--grace-period-seconds N]',
    summary: 'a new key in its place, on stdout, once',
    description: `Issues a new key in place of this one, with its name, scopes and expiry: the new key alone on stdout, once. The old one keeps working for the grace period (none by default). ${SERVER_DESCRIPTION}`,
    flags: ['grace-period-seconds', 'json'],
    server: true,
    examples: ['keyward keys rotate key_123 --grace-period-seconds 3600 > new-key.txt'],
  },
  {
    name: 'portal create-session',
    synopsis: '--customer ID [--ttl 1h]',
    summary: 'a portal session: the token on stdout, once',
    description: `Mints a portal session for a customer (the calling key needs portal:write): the token alone on stdout, once; the session id and end on stderr. ${SERVER_DESCRIPTION}`,
    flags: ['customer', 'ttl', 'json'],
    server: true,
    examples: ['keyward portal create-session --customer cus_42 --ttl 15m > token.txt'],
  },
  {
    name: 'portal revoke-session',
    synopsis: '<id> [--yes]',
    summary: 'end a session: its token stops working at once',
    description: `Ends a session by its id (ses_…): its token stops working at once. Asks first at a terminal; elsewhere --yes is required. ${SERVER_DESCRIPTION}`,
    flags: ['yes', 'json'],
    server: true,
    examples: ['keyward portal revoke-session ses_0123456789abcdef01234567'],
  },
  {
    name: 'webhooks create',
    synopsis: '[--name NAME]',
    summary: 'a webhook endpoint: the secret on stdout, once',
    description: `Creates a webhook endpoint: its secret alone on stdout, once; its id and receiving URL on stderr. ${SERVER_DESCRIPTION}`,
    flags: ['name', 'json'],
    server: true,
    examples: [
      'keyward webhooks create --name billing > secret.txt',
      'export WEBHOOK_SECRET="$(keyward webhooks create --name billing)"',
    ],
  },
  {
    name: 'webhooks list',
    synopsis: '',
    summary: 'the endpoints, with their receiving URLs',
    description: `The webhook endpoints, with their receiving URLs (never a secret). ${SERVER_DESCRIPTION}`,
    flags: ['json'],
    server: true,
    examples: ['keyward webhooks list', 'keyward webhooks list --json'],
  },
  {
    name: 'webhooks delete',
    synopsis: '<id> [--yes]',
    summary: 'delete an endpoint and its deliveries',
    description: `Deletes an endpoint and its deliveries. Asks first at a terminal; elsewhere --yes is required. ${SERVER_DESCRIPTION}`,
    flags: ['yes', 'json'],
    server: true,
    examples: ['keyward webhooks delete whe_123'],
  },
  {
    name: 'webhooks rotate-secret',
    synopsis: '<id> [--grace 24h]',
    summary: 'a new secret on stdout, once',
    description: `A new secret for the endpoint, alone on stdout, once; the old one keeps verifying for --grace (the server's default: a day; 0 ends it at once). ${SERVER_DESCRIPTION}`,
    flags: ['grace', 'json'],
    server: true,
    examples: ['keyward webhooks rotate-secret whe_123 --grace 1h > secret.txt'],
  },
  {
    name: 'webhooks deliveries',
    synopsis: '<id> [--limit N] [--offset N]',
    summary: 'the webhooks an endpoint received, newest first',
    description: `The webhooks an endpoint received, newest first. ${SERVER_DESCRIPTION}`,
    flags: ['limit', 'offset', 'json'],
    server: true,
    examples: ['keyward webhooks deliveries whe_123 --limit 10'],
  },
  {
    name: 'webhooks sign',
    synopsis: '--secret-env VAR --id ID < body',
    summary: 'the webhook-* headers for the body on stdin',
    description:
      'Prints the three Standard Webhooks headers for the exact bytes on stdin, signed with the secret in the environment variable --secret-env names, one `name: value` line each, as `curl -H @file` reads them. Calls no server.',
    flags: ['secret-env', 'id', 'json'],
    examples: ['keyward webhooks sign --secret-env WEBHOOK_SECRET --id msg_1 < body.json > headers.txt'],
  },
  {
    name: 'completion',
    synopsis: '<bash|zsh|fish>',
    summary: 'a shell completion script',
    description:
      'Prints a completion script for the shell. bash: add `source <(keyward completion bash)` to ~/.bashrc; zsh: `keyward completion zsh > _keyward` in a folder of $fpath; fish: `keyward completion fish > ~/.config/fish/completions/keyward.fish`.',
    flags: [],
    choices: ['bash', 'zsh', 'fish'],
    examples: [
      'keyward completion fish > ~/.config/fish/completions/keyward.fish',
      'source <(keyward completion bash)',
    ],
  },
];

/** The flags `spec` takes, `--help` aside, in the order its help lists them. */
export function flagsOf(spec: CommandSpec): FlagName[] {
  return [...spec.flags, ...(spec.server ? (['base-url', 'environment-id'] as const) : [])];
}

/** The command `words` name (`['keys', 'list']` → `keys list`), and the words after it. */
export function findCommand(words: readonly string[]): { spec: CommandSpec; rest: string[] } | undefined {
  for (const length of [2, 1]) {
    const name = words.slice(0, length).join(' ');
    const spec = COMMANDS.find((command) => command.name === name);
    if (spec !== undefined && words.length >= length) return { spec, rest: words.slice(length) };
  }
  return undefined;
}

/** The groups of commands (`keys`, `portal`, …): the first word of a two-word name. */
export const GROUPS: readonly string[] = [
  ...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!)),
];

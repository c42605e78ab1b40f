import type { ApiKey, KeywardClient } from '@keyward/client';
import { parseExpiry } from '../expiry.js';
import { shownId } from '../flags.js';
import { type CliIo, confirm, nameTyped, printable, UsageError } from '../io.js';
import { currentStatus, formatTable, formatTime, toJson } from '../output.js';
import { createServerClient } from '../server-client.js';

/**
 * The command-line options of `keyward keys`, as `parseArgs` read them: strings, checked here
 * before they become the client's `*Input` (a bad one is a {@link UsageError}). `baseUrl` and
 * `environmentId` configure the client; the rest is what one subcommand sends.
 */
export interface KeysOptions {
  baseUrl?: string;
  environmentId?: string;
  json: boolean;
  limit?: string;
  offset?: string;
  name?: string;
  scopes?: string;
  /** `create`: a date (`2030-01-31`) or an ISO 8601 timestamp with its offset. */
  expiresAt?: string;
  /** `create`: a duration from now (`90d`), instead of `expiresAt`. */
  expiresIn?: string;
  active?: string;
  gracePeriodSeconds?: string;
  /** `revoke`: go ahead without asking (required when not run at a terminal). */
  yes?: boolean;
}

function integer(value: string | undefined, option: string, command: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`keyward keys ${command}: --${option} must be a whole number`);
  return Number(value);
}

function requireId(args: string[], command: string): string {
  const [id, ...rest] = args;
  if (id === undefined || rest.length > 0) throw new UsageError(`keyward keys ${command}: takes one key id`);
  return id;
}

function noArguments(args: string[], command: string, hint = ''): void {
  if (args.length > 0) throw new UsageError(`keyward keys ${command}: takes no arguments${hint}`);
}

// One line per key record; it never holds a key, only the record's display id.
function describeApiKey(apiKey: ApiKey): string {
  const expires = apiKey.expiresAt ? `  expires ${apiKey.expiresAt}` : '';
  return `${apiKey.id}  ${apiKey.displayId}  ${currentStatus(apiKey)}  ${printable(apiKey.name)}  [${apiKey.scopes.join(' ')}]${expires}`;
}

const LIST_HEADER = ['ID', 'NAME', 'DISPLAY ID', 'STATUS', 'SCOPES', 'EXPIRES', 'LAST USED'];

// The columns of `keys list`; a name is made printable, so it cannot drive the terminal.
function listRow(apiKey: ApiKey): string[] {
  return [
    printable(apiKey.id),
    printable(apiKey.name),
    printable(apiKey.displayId),
    currentStatus(apiKey),
    apiKey.scopes.length === 0 ? '(none)' : printable(apiKey.scopes.join(',')),
    formatTime(apiKey.expiresAt),
    formatTime(apiKey.lastUsedAt),
  ];
}

/**
 * `keyward keys list|get|create|update|revoke|rotate`: key management through the client.
 * The calling key comes from `KEYWARD_API_KEY` only, never from an argument.
 *
 * @throws UsageError when called wrongly, before any request is sent.
 */
export async function keysCommand(
  io: CliIo,
  args: string[],
  options: KeysOptions,
  client?: KeywardClient,
): Promise<number> {
  const [action, ...rest] = args;
  const api = client ?? createServerClient(io, options);
  // `--json`: the API's record as the server sent it (snake_case), whatever the client calls it.
  const print = (value: unknown, text: string) => io.stdout(options.json ? toJson(value) : `${text}\n`);
  try {
    switch (action) {
      case 'list': {
        noArguments(rest, 'list');
        const page = await api.keys.list({
          limit: integer(options.limit, 'limit', 'list'),
          offset: integer(options.offset, 'offset', 'list'),
        });
        const { total, offset } = page.pagination;
        const table = page.items.length === 0 ? 'No keys.' : formatTable(LIST_HEADER, page.items.map(listRow));
        print(page, `${table}\n${page.items.length} of ${total} (from ${offset})`);
        return 0;
      }
      case 'get': {
        const apiKey = await api.keys.get(requireId(rest, 'get'));
        print(apiKey, describeApiKey(apiKey));
        return 0;
      }
      case 'create':
      case 'rotate': {
        let created: Awaited<ReturnType<KeywardClient['keys']['create']>>;
        if (action === 'create') {
          // A word here may be a key pasted in the wrong place: it is not echoed.
          noArguments(rest, 'create', '; name the key with --name');
          if (options.name === undefined || options.name === '') {
            throw new UsageError('keyward keys create: --name is required');
          }
          const expiresAt = parseExpiry(options.expiresAt, options.expiresIn, 'keyward keys create');
          created = await api.keys.create({
            name: options.name,
            scopes: options.scopes === undefined ? undefined : options.scopes.split(',').filter(Boolean),
            expiresAt,
          });
        } else {
          created = await api.keys.rotate(requireId(rest, 'rotate'), {
            gracePeriodSeconds: integer(options.gracePeriodSeconds, 'grace-period-seconds', 'rotate'),
          });
        }
        // The new key is the one thing printed on stdout, so `> key.txt` captures just it. With
        // --json, the API's own body: `api_key` the key, `secret` its record.
        print({ apiKey: created.key, secret: created.apiKey }, created.key);
        io.stderr(`${describeApiKey(created.apiKey)}\nStore the key now: it is shown once.\n`);
        return 0;
      }
      case 'update': {
        if (options.active !== undefined && options.active !== 'true' && options.active !== 'false') {
          throw new UsageError('keyward keys update: --active must be true or false');
        }
        const active = options.active === undefined ? undefined : options.active === 'true';
        const apiKey = await api.keys.update(requireId(rest, 'update'), { name: options.name, active });
        print(apiKey, describeApiKey(apiKey));
        return 0;
      }
      case 'revoke': {
        const id = requireId(rest, 'revoke');
        const question = `Revoke key ${shownId(id)}? It stops working at once, for good.`;
        if (!(await confirm(io, 'keyward keys revoke', question, options.yes))) return 1;
        await api.keys.revoke(id);
        print({ id, revoked: true }, `revoked ${id}`);
        return 0;
      }
      default:
        throw new UsageError(`keyward keys: unknown command: ${action === undefined ? '(none)' : nameTyped(action)}`);
    }
  } finally {
    if (client === undefined) await api.close();
  }
}

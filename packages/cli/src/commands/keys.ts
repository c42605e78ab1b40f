import type { ApiKey, KeywardClient } from '@keyward/client';
import { type CliIo, nameTyped, printable, UsageError } from '../io.js';
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
  expiresAt?: string;
  active?: string;
  gracePeriodSeconds?: string;
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

// One line per key record; it never holds a key, only the record's display id.
function describeApiKey(apiKey: ApiKey): string {
  const expires = apiKey.expiresAt ? `  expires ${apiKey.expiresAt}` : '';
  return `${apiKey.id}  ${apiKey.displayId}  ${apiKey.status}  ${printable(apiKey.name)}  [${apiKey.scopes.join(' ')}]${expires}`;
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
  const print = (value: unknown, text: string) =>
    io.stdout(`${options.json ? JSON.stringify(value, null, 2) : text}\n`);
  try {
    switch (action) {
      case 'list': {
        const page = await api.keys.list({
          limit: integer(options.limit, 'limit', 'list'),
          offset: integer(options.offset, 'offset', 'list'),
        });
        const { total, offset } = page.pagination;
        print(
          page,
          [...page.items.map(describeApiKey), `${page.items.length} of ${total} (from ${offset})`].join('\n'),
        );
        return 0;
      }
      case 'get': {
        const apiKey = await api.keys.get(requireId(rest, 'get'));
        print(apiKey, describeApiKey(apiKey));
        return 0;
      }
      case 'create':
      case 'rotate': {
        const created =
          action === 'create'
            ? await api.keys.create({
                name: options.name ?? (rest.length === 1 ? rest[0] : undefined) ?? '',
                scopes: options.scopes === undefined ? undefined : options.scopes.split(',').filter(Boolean),
                expiresAt: options.expiresAt,
              })
            : await api.keys.rotate(requireId(rest, 'rotate'), {
                gracePeriodSeconds: integer(options.gracePeriodSeconds, 'grace-period-seconds', 'rotate'),
              });
        // The new key is the one thing printed on stdout, so `> key.txt` captures just it.
        print(created, created.key);
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

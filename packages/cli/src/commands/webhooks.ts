import type { KeywardClient, WebhookDelivery, WebhookEndpoint } from '@keyward/client';
import { signWebhook } from '@keyward/core';
import { parseDuration } from '../duration.js';
import { refuseOtherFlags, refuseSecretValue, shownId } from '../flags.js';
import { type CliIo, confirm, nameTyped, printable, UsageError } from '../io.js';
import { formatTable, formatTime, toJson } from '../output.js';
import { type ServerOptions, withServerClient } from '../server-client.js';

/**
 * The command-line options of `keyward webhooks`, as `parseArgs` read them: strings, checked
 * here (a bad one is a {@link UsageError}). A flag that the subcommand does not take is refused,
 * so `runCli` passes every flag that was given.
 */
export interface WebhooksOptions extends ServerOptions {
  json?: boolean;
  /** `create`: the endpoint's name. */
  name?: string;
  /** `rotate-secret`: how long the old secret keeps verifying, a duration (`24h`, `0`). */
  grace?: string;
  /** `deliveries`: page size, a whole number. */
  limit?: string;
  /** `deliveries`: how many to skip, a whole number. */
  offset?: string;
  /** `sign`: the name of the environment variable that holds the secret, never the secret. */
  secretEnv?: string;
  /** `sign`: the `webhook-id`. */
  id?: string;
  /** `delete`: go ahead without asking (required when not run at a terminal). */
  yes?: boolean;
}

const SERVER_FLAGS = ['baseUrl', 'environmentId', 'json'] as const;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const SECRET_PREFIX = /^wh(?:sec|sk)_/;

function integer(value: string | undefined, flag: string, command: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`${command}: --${flag} must be a whole number`);
  return Number(value);
}

function requireId(args: string[], command: string): string {
  const [id, ...rest] = args;
  if (id === undefined || rest.length > 0) throw new UsageError(`${command}: takes one endpoint id`);
  return id;
}

/** Where an endpoint receives, for operators to point a sender (or curl) at. */
function receivingUrl(api: KeywardClient, tenantId: string, environmentId: string, id: string): string {
  return `${api.baseUrl}/v1/webhooks/${[tenantId, environmentId, id].map(encodeURIComponent).join('/')}`;
}

// One line per endpoint record; it never holds a secret.
function describeEndpoint(endpoint: WebhookEndpoint, url?: string): string {
  const where = url === undefined ? '' : `  ${url}`;
  return `${endpoint.id}  ${endpoint.name === null ? '(no name)' : printable(endpoint.name)}  tolerance ${endpoint.toleranceSeconds}s  created ${endpoint.createdAt}${where}`;
}

const ENDPOINT_HEADER = ['ID', 'NAME', 'TOLERANCE', 'CREATED', 'URL'];

function endpointRow(endpoint: WebhookEndpoint, url: string): string[] {
  const name = endpoint.name === null ? '(no name)' : printable(endpoint.name);
  return [printable(endpoint.id), name, `${endpoint.toleranceSeconds}s`, formatTime(endpoint.createdAt), url];
}

const DELIVERY_HEADER = ['RECEIVED', 'WEBHOOK ID', 'EVENT', 'SIZE'];

// The time to the millisecond: a delivery's age is checked against a tolerance in seconds.
function deliveryRow(delivery: WebhookDelivery): string[] {
  return [
    printable(delivery.receivedAt),
    printable(delivery.webhookId),
    delivery.eventType === null ? '(no type)' : printable(delivery.eventType),
    `${delivery.size} bytes`,
  ];
}

/**
 * `keyward webhooks create|list|delete|rotate-secret|deliveries|sign`: webhook endpoints through
 * the client, with the calling key from `KEYWARD_API_KEY` (`keys:read` to list, `keys:write` to
 * change); `create` and `rotate-secret` print the secret alone on stdout, once. `sign` calls no
 * server: it prints the Standard Webhooks headers for the body on stdin, signed with the secret
 * in the environment variable `--secret-env` names, so a receiver can be tried with curl.
 *
 * @throws UsageError when called wrongly, before any request is sent.
 */
export async function webhooksCommand(
  io: CliIo,
  args: string[],
  options: WebhooksOptions,
  client?: KeywardClient,
): Promise<number> {
  const [action, ...rest] = args;
  // `--json`: the API's record as the server sent it (snake_case), whatever the client calls it.
  const print = (value: unknown, text: string) => io.stdout(options.json ? toJson(value) : `${text}\n`);
  switch (action) {
    case 'create': {
      const command = 'keyward webhooks create';
      refuseOtherFlags(command, options, [...SERVER_FLAGS, 'name']);
      if (rest.length > 0) throw new UsageError(`${command}: takes no arguments; name the endpoint with --name`);
      return withServerClient(io, options, client, async (api) => {
        // Asked first: once the endpoint exists, its secret must be printed whatever fails next.
        const { tenantId, environmentId } = await api.me();
        const created = await api.webhooks.createEndpoint({ name: options.name });
        const url = receivingUrl(api, tenantId, environmentId, created.id);
        print({ ...created, url }, created.secret);
        io.stderr(`${describeEndpoint(created, url)}\nGive the secret to the sender now: it is shown once.\n`);
        return 0;
      });
    }
    case 'list': {
      const command = 'keyward webhooks list';
      refuseOtherFlags(command, options, SERVER_FLAGS);
      if (rest.length > 0) throw new UsageError(`${command}: takes no arguments`);
      return withServerClient(io, options, client, async (api) => {
        const { tenantId, environmentId } = await api.me();
        const { items } = await api.webhooks.listEndpoints();
        const listed = items.map((endpoint) => ({
          ...endpoint,
          url: receivingUrl(api, tenantId, environmentId, endpoint.id),
        }));
        const table =
          listed.length === 0
            ? 'No endpoints.'
            : formatTable(
                ENDPOINT_HEADER,
                listed.map((endpoint) => endpointRow(endpoint, endpoint.url)),
              );
        print({ items: listed }, `${table}\n${items.length} endpoint${items.length === 1 ? '' : 's'}`);
        return 0;
      });
    }
    case 'delete': {
      const command = 'keyward webhooks delete';
      refuseOtherFlags(command, options, [...SERVER_FLAGS, 'yes']);
      const id = requireId(rest, command);
      const question = `Delete webhook endpoint ${shownId(id)} and its deliveries? Its secret stops verifying at once.`;
      if (!(await confirm(io, command, question, options.yes))) return 1;
      return withServerClient(io, options, client, async (api) => {
        await api.webhooks.deleteEndpoint(id);
        print({ id, deleted: true }, `deleted ${id}`);
        return 0;
      });
    }
    case 'rotate-secret': {
      const command = 'keyward webhooks rotate-secret';
      refuseOtherFlags(command, options, [...SERVER_FLAGS, 'grace']);
      const id = requireId(rest, command);
      const gracePeriodSeconds = parseDuration(options.grace, 'grace', command);
      return withServerClient(io, options, client, async (api) => {
        const rotated = await api.webhooks.rotateSecret(id, { gracePeriodSeconds });
        print(rotated, rotated.secret);
        const grace =
          gracePeriodSeconds === undefined
            ? "for the server's grace period (a day by default)"
            : `for ${gracePeriodSeconds} s more`;
        io.stderr(
          `${describeEndpoint(rotated)}\nThe old secret keeps verifying ${grace}. ` +
            'Give the new secret to the sender now: it is shown once.\n',
        );
        return 0;
      });
    }
    case 'deliveries': {
      const command = 'keyward webhooks deliveries';
      refuseOtherFlags(command, options, [...SERVER_FLAGS, 'limit', 'offset']);
      const id = requireId(rest, command);
      const input = {
        limit: integer(options.limit, 'limit', command),
        offset: integer(options.offset, 'offset', command),
      };
      return withServerClient(io, options, client, async (api) => {
        const page = await api.webhooks.listDeliveries(id, input);
        const { total, offset } = page.pagination;
        const table =
          page.items.length === 0 ? 'No deliveries.' : formatTable(DELIVERY_HEADER, page.items.map(deliveryRow));
        print(page, `${table}\n${page.items.length} of ${total} (from ${offset})`);
        return 0;
      });
    }
    case 'sign':
      return signCommand(io, rest, options);
    default:
      throw new UsageError(`keyward webhooks: unknown command: ${action === undefined ? '(none)' : nameTyped(action)}`);
  }
}

/** `keyward webhooks sign --secret-env VAR --id msg_1 < body`: the three headers, one per line. */
async function signCommand(io: CliIo, args: string[], options: WebhooksOptions): Promise<number> {
  const command = 'keyward webhooks sign';
  refuseOtherFlags(command, options, ['json', 'secretEnv', 'id']);
  // Not echoed: a word here may well be the secret, typed where the shell history keeps it.
  if (args.length > 0) {
    throw new UsageError(
      `${command}: takes no arguments; the body comes from standard input, the secret from --secret-env`,
    );
  }
  const { secretEnv, id } = options;
  if (secretEnv === undefined) throw new UsageError(`${command}: --secret-env is required`);
  if (SECRET_PREFIX.test(secretEnv)) {
    throw new UsageError(
      `${command}: --secret-env takes the name of an environment variable, not the secret; ` +
        'the secret is now in your shell history: rotate it',
    );
  }
  if (!ENV_NAME.test(secretEnv)) throw new UsageError(`${command}: --secret-env must name an environment variable`);
  if (id === undefined) throw new UsageError(`${command}: --id is required (the webhook-id, such as msg_1)`);
  refuseSecretValue(command, 'id', id);
  const secret = io.env[secretEnv];
  if (secret === undefined || secret === '') {
    io.stderr(`${command}: the environment variable ${secretEnv} is not set\n`);
    return 1;
  }
  // Checked on an empty body first, so that a bad id or secret is said before a person at a
  // terminal types the body. Core's messages name the field and never quote a value.
  try {
    signWebhook({ id, payload: '', secret });
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/^@keyward\/core: signWebhook: /, '') : 'cannot sign';
    if (message.startsWith('id ')) throw new UsageError(`${command}: --${message}`);
    io.stderr(`${command}: ${secretEnv} does not hold a usable secret: ${message}\n`);
    return 1;
  }
  const payload = io.readStdinBytes ? await io.readStdinBytes() : new TextEncoder().encode(await io.readStdin());
  const headers = signWebhook({ id, payload, secret });
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  // One `name: value` per line is what `curl -H @file` reads.
  io.stdout(`${options.json ? JSON.stringify(headers, null, 2) : lines.join('\n')}\n`);
  return 0;
}

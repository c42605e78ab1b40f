import type { KeywardClient } from '@keyward/client';
import { parseDuration } from '../duration.js';
import { refuseOtherFlags, refuseSecretValue, shownId } from '../flags.js';
import { type CliIo, confirm, nameTyped, UsageError } from '../io.js';
import { toJson } from '../output.js';
import { type ServerOptions, withServerClient } from '../server-client.js';

/**
 * The command-line options of `keyward portal`, as `parseArgs` read them: strings, checked here
 * (a bad one is a {@link UsageError}). A flag that the subcommand does not take is refused, so
 * `runCli` passes every flag that was given.
 */
export interface PortalOptions extends ServerOptions {
  json?: boolean;
  /** `create-session`: the customer the session acts for. */
  customer?: string;
  /** `create-session`: how long the token works, a duration (`15m`, `1h`); default the server's. */
  ttl?: string;
  /** `revoke-session`: go ahead without asking (required when not run at a terminal). */
  yes?: boolean;
}

const SERVER_FLAGS = ['baseUrl', 'environmentId', 'json'] as const;

/**
 * `keyward portal create-session|revoke-session`: portal sessions through the client, with the
 * calling key from `KEYWARD_API_KEY` (it needs the `portal:write` scope). `create-session`
 * prints the token alone on stdout, once, so that `> token.txt` captures just it.
 *
 * @throws UsageError when called wrongly, before any request is sent.
 */
export async function portalCommand(
  io: CliIo,
  args: string[],
  options: PortalOptions,
  client?: KeywardClient,
): Promise<number> {
  const [action, ...rest] = args;
  switch (action) {
    case 'create-session': {
      const command = 'keyward portal create-session';
      refuseOtherFlags(command, options, [...SERVER_FLAGS, 'customer', 'ttl']);
      // A word here may be a token or key pasted in the wrong place: it is not echoed.
      if (rest.length > 0) throw new UsageError(`${command}: takes no arguments; name the customer with --customer`);
      if (options.customer === undefined || options.customer === '') {
        throw new UsageError(`${command}: --customer is required`);
      }
      refuseSecretValue(command, 'customer', options.customer);
      const input = { customerId: options.customer, ttlSeconds: parseDuration(options.ttl, 'ttl', command) };
      return withServerClient(io, options, client, async (api) => {
        const created = await api.portal.createSession(input);
        io.stdout(options.json ? toJson(created) : `${created.token}\n`);
        io.stderr(
          `session ${created.sessionId} for customer ${input.customerId}, until ${created.expiresAt}\n` +
            'Hand the token to the customer now: it is shown once.\n',
        );
        return 0;
      });
    }
    case 'revoke-session': {
      const command = 'keyward portal revoke-session';
      refuseOtherFlags(command, options, [...SERVER_FLAGS, 'yes']);
      const [id, ...more] = rest;
      if (id === undefined || more.length > 0) throw new UsageError(`${command}: takes one session id`);
      const question = `End session ${shownId(id)}? Its token stops working at once.`;
      if (!(await confirm(io, command, question, options.yes))) return 1;
      return withServerClient(io, options, client, async (api) => {
        await api.portal.revokeSession(id);
        io.stdout(`${options.json ? JSON.stringify({ id, revoked: true }) : `revoked ${id}`}\n`);
        return 0;
      });
    }
    default:
      throw new UsageError(`keyward portal: unknown command: ${action === undefined ? '(none)' : nameTyped(action)}`);
  }
}

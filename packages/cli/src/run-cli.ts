import { parseArgs } from 'node:util';
import { isKeywardError } from '@keyward/client';
import pkg from '../package.json' with { type: 'json' };
import { type CommandSpec, FLAGS, findCommand, flagsOf } from './command-table.js';
import { completionCommand } from './commands/completion.js';
import { configCommand } from './commands/config.js';
import { generateCommand } from './commands/generate.js';
import { hashCommand } from './commands/hash.js';
import { keysCommand } from './commands/keys.js';
import { portalCommand } from './commands/portal.js';
import { webhooksCommand } from './commands/webhooks.js';
import { refuseOtherFlags } from './flags.js';
import { commandHelp, groupHelp, isGroup, USAGE } from './help.js';
import { type CliIo, nameTyped, UsageError } from './io.js';
import { errorJson } from './output.js';

export { USAGE };

/** `--secret-env` → `secretEnv`: the name a command's options object uses. */
function camelCase(flag: string): string {
  return flag.replace(/-([a-z])/g, (_, ch: string) => ch.toUpperCase());
}

/**
 * Every flag that was given, camelCased (`--secret-env` → `secretEnv`), for a command that
 * refuses the flags it does not take (`refuseOtherFlags`).
 */
function givenFlags(values: Record<string, string | boolean | undefined>): Record<string, string | boolean> {
  const given: Record<string, string | boolean> = {};
  for (const [flag, value] of Object.entries(values)) {
    if (value !== undefined && flag !== 'help' && flag !== 'version') given[camelCase(flag)] = value;
  }
  return given;
}

/** parseArgs' errors, said the way keyward says them (its own message quotes a whole hint). */
function parseArgsProblem(err: { code: string; message: string }): string {
  const flag = /'(-{1,2}[A-Za-z0-9-]{1,40})/.exec(err.message)?.[1];
  const shown = flag === undefined || !/[g-z]/i.test(flag) ? 'an option given' : flag;
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `keyward: ${shown} is not an option`;
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    return FLAGS[shown.replace(/^--/, '') as keyof typeof FLAGS]?.type === 'string'
      ? `keyward: ${shown} needs a value`
      : `keyward: ${shown} takes no value`;
  }
  return `keyward: ${err.message.split('.')[0]}`;
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: Object.fromEntries(
      Object.entries(FLAGS).map(([name, flag]) => [
        name,
        { type: flag.type, ...('short' in flag ? { short: flag.short } : {}) },
      ]),
    ) as { [Name in keyof typeof FLAGS]: { type: (typeof FLAGS)[Name]['type']; short?: string } },
  });
}

/** Runs the command `spec` names, with `rest` its arguments and `flags` every flag given. */
async function dispatch(
  io: CliIo,
  spec: CommandSpec,
  words: string[],
  flags: Record<string, string | boolean>,
): Promise<number> {
  // Every command refuses a flag it does not take, rather than ignoring it.
  refuseOtherFlags(`keyward ${spec.name}`, flags, flagsOf(spec).map(camelCase));
  const [group, ...args] = words;
  switch (group) {
    case 'generate':
      if (args.length > 0) throw new UsageError('keyward generate: takes no arguments');
      return generateCommand(io, { json: flags.json === true });
    case 'hash':
      return hashCommand(io, args);
    case 'completion':
      return completionCommand(io, args);
    case 'config':
      return configCommand(io, args, flags);
    case 'keys':
      return keysCommand(io, args, { ...flags, json: flags.json === true });
    case 'portal':
      return portalCommand(io, args, flags);
    default:
      return webhooksCommand(io, args, flags);
  }
}

/**
 * Runs the `keyward` command with `argv` (without `node` and the script) and returns the exit
 * code: 0 done, 1 failed (or a confirmation declined), 2 called wrongly.
 *
 * @example
 * process.exitCode = await runCli(process.argv.slice(2), nodeIo());
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  // Known before parsing, so that even a parse error is JSON under --json.
  const json = argv.includes('--json');
  let spec: CommandSpec | undefined;
  try {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (code?.startsWith('ERR_PARSE_ARGS'))
        throw new UsageError(parseArgsProblem(err as { code: string; message: string }));
      throw err;
    }
    const { values, positionals } = parsed;
    if (values.version) {
      io.stdout(`keyward ${pkg.version}\n`);
      return 0;
    }
    const asksHelp = positionals[0] === 'help';
    const words = asksHelp ? positionals.slice(1) : positionals;
    const found = findCommand(words);
    spec = found?.spec;
    if (values.help || asksHelp || words.length === 0) {
      if (spec !== undefined) io.stdout(commandHelp(spec.name));
      else if (isGroup(words[0]) && words.length === 1) io.stdout(groupHelp(words[0]!));
      else if (words.length === 0) io.stdout(USAGE);
      else throw new UsageError(`keyward help: unknown command: ${words.map(nameTyped).join(' ')}`);
      return words.length === 0 && !values.help && !asksHelp ? 2 : 0;
    }
    if (spec === undefined) {
      const [first, second] = words;
      if (isGroup(first)) {
        throw new UsageError(
          `keyward ${first}: unknown command: ${second === undefined ? '(none)' : nameTyped(second)}`,
        );
      }
      throw new UsageError(`keyward: unknown command: ${nameTyped(first!)}`);
    }
    return await dispatch(io, spec, words, givenFlags(values));
  } catch (err) {
    if (err instanceof UsageError) {
      if (json) io.stderr(errorJson(err));
      else io.stderr(`${err.message}\n\n${spec === undefined ? USAGE : commandHelp(spec.name)}`);
      return 2;
    }
    if (isKeywardError(err)) {
      // KeywardError messages are redacted by the client: no key reaches the terminal.
      if (json) io.stderr(errorJson(err));
      else io.stderr(`keyward: ${err.code}${err.status ? ` (${err.status})` : ''}: ${err.message}\n`);
      return 1;
    }
    if (err instanceof TypeError) {
      if (json) io.stderr(errorJson(err));
      else io.stderr(`keyward: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

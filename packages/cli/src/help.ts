import { COMMANDS, type CommandSpec, FLAGS, type FlagName, flagsOf, GROUPS } from './command-table.js';

function usageLine(spec: CommandSpec): string {
  return `${spec.name}${spec.synopsis === '' ? '' : ` ${spec.synopsis}`}`;
}

function columns(rows: readonly [string, string][], indent = '  '): string {
  const width = Math.max(...rows.map(([left]) => left.length));
  return rows.map(([left, right]) => `${indent}${left.padEnd(width)}   ${right}`.trimEnd()).join('\n');
}

function commandList(specs: readonly CommandSpec[]): string {
  return columns(specs.map((spec) => [usageLine(spec), spec.summary]));
}

/** The help text of the `keyward` command: every command, one line each. */
export const USAGE = `Usage: keyward <command> [options]

${commandList(COMMANDS)}

Options for keys, portal and webhooks: --base-url URL (default $KEYWARD_BASE_URL, else
  http://127.0.0.1:3000), --environment-id ID, --json. The calling key is read from
  $KEYWARD_API_KEY only, a webhook secret from the variable --secret-env names: never from
  an argument. Durations: 90s, 15m, 1h, 1d, or seconds. --version prints the version.
  keyward <command> --help (or keyward help <command>) shows a command's options and examples.
`;

function flagLine(flag: FlagName): [string, string] {
  const spec: { short?: string; value?: string; help: string } = FLAGS[flag];
  const short = spec.short === undefined ? '    ' : `-${spec.short}, `;
  return [`${short}--${flag}${spec.value === undefined ? '' : ` ${spec.value}`}`, spec.help];
}

/** The `--help` of one command (`keys list`): its usage line, what it does, its options, examples. */
export function commandHelp(name: string): string {
  const spec = COMMANDS.find((command) => command.name === name);
  if (spec === undefined) throw new Error(`@keyward/cli: commandHelp: no command ${name}`);
  const flags = [...flagsOf(spec), 'help' as const].map(flagLine);
  return [
    `Usage: keyward ${usageLine(spec)}`,
    '',
    wrap(spec.description),
    '',
    'Options:',
    columns(flags),
    '',
    'Examples:',
    ...spec.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}

/** The help of a group (`keyward keys --help`): its commands, one line each. */
export function groupHelp(group: string): string {
  const specs = COMMANDS.filter((command) => command.name.startsWith(`${group} `));
  return `Usage: keyward ${group} <command> [options]\n\n${commandList(specs)}\n\nkeyward ${group} <command> --help shows a command's options and examples.\n`;
}

/** Whether `word` is a group of commands (`keys`, `portal`, `webhooks`, `config`). */
export function isGroup(word: string | undefined): boolean {
  return word !== undefined && GROUPS.includes(word);
}

/** Text folded at 96 columns, for a paragraph of help. */
function wrap(text: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > 96) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  return [...lines, line].join('\n');
}

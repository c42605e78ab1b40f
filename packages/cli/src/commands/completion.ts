import { COMMANDS, type CommandSpec, FLAGS, flagsOf } from '../command-table.js';
import { type CliIo, nameTyped, UsageError } from '../io.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;

function topWords(): string[] {
  return [...new Set([...COMMANDS.map((c) => c.name.split(' ')[0]!), 'help'])];
}

function flagWords(spec: CommandSpec): string {
  return [...flagsOf(spec), 'help'].map((flag) => `--${flag}`).join(' ');
}

// bash, and zsh through bashcompinit: one function that finds the command typed so far (flag
// values skipped) and offers its subcommands, choices or flags.
function bashScript(): string {
  const valued = Object.entries(FLAGS)
    .filter(([, flag]) => flag.type === 'string')
    .map(([name]) => `--${name}`)
    .join('|');
  const groups = [...new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]!))];
  const cases = [
    `    '') words='${topWords().join(' ')} --help --version' ;;`,
    ...groups.map(
      (group) =>
        `    '${group}') words='${COMMANDS.filter((c) => c.name.startsWith(`${group} `))
          .map((c) => c.name.split(' ')[1])
          .join(' ')} --help' ;;`,
    ),
    // The command alone: its choices (a shell) and flags; after its argument, its flags.
    ...COMMANDS.map(
      (spec) =>
        `    '${spec.name}') words='${spec.choices === undefined ? '' : `${spec.choices.join(' ')} `}${flagWords(spec)}' ;;\n` +
        `    '${spec.name} '*) words='${flagWords(spec)}' ;;`,
    ),
  ];
  return `# keyward completion for bash: add \`source <(keyward completion bash)\` to ~/.bashrc
_keyward() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" command='' word skip='' i words=''
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ -n $skip ]]; then skip=''; continue; fi
    case "$word" in
      ${valued}) skip=1 ;;
      -*) ;;
      *) command="\${command:+$command }$word" ;;
    esac
  done
  [[ -n $skip ]] && return 0
  case "$command" in
${cases.join('\n')}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _keyward keyward
`;
}

function zshScript(): string {
  return `#compdef keyward
# keyward completion for zsh: \`keyward completion zsh > "\${fpath[1]}/_keyward"\`, then restart zsh
autoload -U +X bashcompinit && bashcompinit
${bashScript()}`;
}

function fishQuote(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function fishScript(): string {
  const lines = ['# keyward completion for fish: keyward completion fish > ~/.config/fish/completions/keyward.fish'];
  lines.push('complete -c keyward -f');
  const top = COMMANDS.map((c) => c.name.split(' ')[0]!);
  lines.push(`complete -c keyward -n '__fish_use_subcommand' -a ${fishQuote([...new Set(top), 'help'].join(' '))}`);
  lines.push("complete -c keyward -n '__fish_use_subcommand' -l version -s V -d 'the version of keyward'");
  for (const spec of COMMANDS) {
    const [first, second] = spec.name.split(' ') as [string, string | undefined];
    const siblings = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name.split(' ')[1]!);
    if (second !== undefined) {
      lines.push(
        `complete -c keyward -n ${fishQuote(`__fish_seen_subcommand_from ${first}; and not __fish_seen_subcommand_from ${siblings.join(' ')}`)} -a ${second} -d ${fishQuote(spec.summary)}`,
      );
    }
    const seen =
      second === undefined
        ? `__fish_seen_subcommand_from ${first}`
        : `__fish_seen_subcommand_from ${first}; and __fish_seen_subcommand_from ${second}`;
    if (spec.choices !== undefined)
      lines.push(`complete -c keyward -n ${fishQuote(seen)} -a ${fishQuote(spec.choices.join(' '))}`);
    for (const flag of [...flagsOf(spec), 'help' as const]) {
      const described: { type: string; short?: string; help: string } = FLAGS[flag];
      const short = described.short === undefined ? '' : ` -s ${described.short}`;
      const value = described.type === 'string' ? ' -r' : '';
      lines.push(
        `complete -c keyward -n ${fishQuote(seen)} -l ${flag}${short}${value} -d ${fishQuote(described.help)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * `keyward completion bash|zsh|fish`: a completion script for the shell, written from the same
 * table as the help, so it offers every command and exactly the flags each one takes.
 *
 * @throws UsageError for another shell, or none.
 */
export function completionCommand(io: CliIo, args: string[]): number {
  const [shell, ...rest] = args;
  if (shell === undefined || rest.length > 0 || !(SHELLS as readonly string[]).includes(shell)) {
    const known = shell === undefined || (SHELLS as readonly string[]).includes(shell);
    const typed = known ? '' : ` (not ${nameTyped(shell)})`;
    throw new UsageError(`keyward completion: takes one shell: bash, zsh or fish${typed}`);
  }
  io.stdout(shell === 'bash' ? bashScript() : shell === 'zsh' ? zshScript() : fishScript());
  return 0;
}

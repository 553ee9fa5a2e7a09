import type { Command, Option } from 'commander';

// `mcp-header-forward completion bash|zsh`: completion scripts rendered from the same option definitions as the
// CLI reference, so a new flag or choice completes without anyone editing a script. Anything not known (file
// arguments, free values) falls back to the shell's file completion.

export const COMPLETION_SHELLS = ['bash', 'zsh'] as const;
export type CompletionShell = (typeof COMPLETION_SHELLS)[number];

interface CommandWords {
  name: string;
  flags: string[];
  /** Flag (long and short spellings) -> its choices. */
  choices: Array<[flags: string[], values: readonly string[]]>;
}

function wordsOf(command: Command): CommandWords {
  const options = command.options.filter((o) => !o.hidden);
  return {
    name: command.name(),
    flags: [...options.flatMap(spellings), '--help'].sort(),
    choices: options.filter((o) => o.argChoices !== undefined).map((o) => [spellings(o), o.argChoices!]),
  };
}

function spellings(option: Option): string[] {
  return [option.long, option.short].filter((s): s is string => s !== undefined);
}

export function renderCompletion(program: Command, shell: CompletionShell): string {
  const bash = renderBash(program);
  // zsh runs the bash function through bashcompinit, as kubectl's and many Go CLIs' scripts do.
  return shell === 'bash' ? bash : `#compdef ${program.name()}\nautoload -U +X bashcompinit && bashcompinit\n${bash}`;
}

function renderBash(program: Command): string {
  const fn = `_${program.name().replace(/[^A-Za-z0-9]/g, '_')}`;
  const commands = program.commands.map(wordsOf);
  const cases = commands.map((c) => {
    const choiceCases = c.choices.map(
      ([flags, values]) => `        ${flags.join('|')}) COMPREPLY=($(compgen -W '${values.join(' ')}' -- "$cur")); return ;;`,
    );
    return [
      `    ${c.name})`,
      ...(choiceCases.length > 0 ? ['      case "$prev" in', ...choiceCases, '      esac'] : []),
      `      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W '${c.flags.join(' ')}' -- "$cur")); fi`,
      '      ;;',
    ].join('\n');
  });
  return [
    `# ${program.name()} completion (generated from its option definitions): source <(${program.name()} completion bash)`,
    `${fn}() {`,
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" sub="${COMP_WORDS[1]}"',
    '  COMPREPLY=()',
    '  if [[ $COMP_CWORD -eq 1 ]]; then',
    `    COMPREPLY=($(compgen -W '${[...commands.map((c) => c.name), 'help'].join(' ')}' -- "$cur"))`,
    '    return',
    '  fi',
    '  case "$sub" in',
    ...cases,
    '  esac',
    '}',
    `complete -o default -F ${fn} ${program.name()}`,
    '',
  ].join('\n');
}

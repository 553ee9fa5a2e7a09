import type { Command, Option } from 'commander';

// docs/reference/cli.md, rendered from the commands' own option definitions, so the reference cannot drift from
// what the binary accepts (cliReference.test.ts compares the file with this output).

export const CLI_REFERENCE_HEADER = [
  '# Command-line reference',
  '',
  '<!-- Generated from the option definitions in cli/ (cli/reference/cliReference.ts): do not edit by hand.',
  '     Regenerate: UPDATE_DOCS=1 npx vitest run cli/reference -->',
  '',
  'Every subcommand of `mcp-header-forward` and every flag it takes, with its default, the values it accepts and',
  'the environment variable it also reads. Usage errors exit 2; see each command for its other exit codes.',
].join('\n');

/** The whole reference: the program, then each subcommand (and theirs) in the order they are registered. */
export function renderCliReference(program: Command): string {
  const sections = program.commands.flatMap((command) => commandSections(command, [program.name()]));
  return `${CLI_REFERENCE_HEADER}\n${sections.join('')}`;
}

function commandSections(command: Command, parents: readonly string[]): string[] {
  const path = [...parents, command.name()];
  const options = command.options.filter((o) => !o.hidden);
  const lines = [``, `## \`${path.join(' ')}\``, ``, escape(command.description()), ``];
  const usage = command.usage();
  lines.push('```', `${path.join(' ')} ${usage}`.trim(), '```', '');
  for (const argument of command.registeredArguments) {
    const choices = argument.argChoices ? ` (${argument.argChoices.map((c) => `\`${c}\``).join(', ')})` : '';
    lines.push(`Argument \`${argument.name()}\`${argument.required ? '' : ' (optional)'}: ${escape(argument.description)}${choices}.`, '');
  }
  if (options.length > 0) {
    lines.push('| flag | default | values | description |', '| --- | --- | --- | --- |');
    for (const option of options) lines.push(optionRow(option));
  } else {
    lines.push('No flags.');
  }
  return [lines.join('\n') + '\n', ...command.commands.flatMap((sub) => commandSections(sub, path))];
}

function optionRow(option: Option): string {
  const values = [
    ...(option.argChoices ? [option.argChoices.map((c) => `\`${c}\``).join(', ')] : []),
    ...(option.envVar ? [`env \`${option.envVar}\``] : []),
    ...(option.mandatory ? ['required'] : []),
    ...(option.variadic ? ['repeatable'] : []),
  ];
  return `| \`${escape(option.flags)}\` | ${escape(defaultOf(option))} | ${values.join('; ')} | ${escape(option.description)} |`;
}

function defaultOf(option: Option): string {
  if (option.defaultValueDescription !== undefined) return `\`${option.defaultValueDescription}\``;
  const value: unknown = option.defaultValue;
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) return '';
  return `\`${typeof value === 'string' ? value : JSON.stringify(value)}\``;
}

/** Table cells: a `|` ends the cell even inside a code span (GFM), a newline ends the row. */
function escape(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

import { readFileSync, writeFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../commands.js';
import { renderCliReference } from './cliReference.js';

const FILE = new URL('../../docs/reference/cli.md', import.meta.url);

async function program(): Promise<Command> {
  const root = new Command().name('mcp-header-forward');
  await registerCommands(root, ['node', 'mcp-header-forward']);
  return root;
}

describe('docs/reference/cli.md', () => {
  it('is exactly what the option definitions render', async () => {
    const expected = renderCliReference(await program());
    if (process.env.UPDATE_DOCS === '1') writeFileSync(FILE, expected);
    expect(readFileSync(FILE, 'utf8'), 'regenerate: UPDATE_DOCS=1 npx vitest run cli/reference').toBe(expected);
  });

  it('lists every subcommand and every flag of each', async () => {
    const root = await program();
    const text = renderCliReference(root);
    expect(root.commands.length).toBeGreaterThanOrEqual(7);
    for (const command of root.commands) {
      expect(text).toContain(`## \`mcp-header-forward ${command.name()}\``);
      for (const option of command.options) expect(text).toContain(`| \`${option.flags.replace(/\|/g, '\\|')}\` |`);
    }
  });

  it('shows defaults, choices and env vars, and escapes table cells', () => {
    const command = new Command('demo').description('a | b');
    command.option('--plain <x>', 'has | pipe', 'd').requiredOption('--must <y>', 'needed');
    command.addOption(new Option('--level <l>', 'lvl').choices(['a', 'b']).env('LVL').default('a'));
    const text = renderCliReference(new Command('root').addCommand(command));
    expect(text).toContain('| `--plain <x>` | `d` |  | has \\| pipe |');
    expect(text).toContain('| `--must <y>` |  | required | needed |');
    expect(text).toContain('| `--level <l>` | `a` | `a`, `b`; env `LVL` | lvl |');
  });
});

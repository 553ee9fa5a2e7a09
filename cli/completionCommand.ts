import { Argument, Command } from 'commander';
import { COMPLETION_SHELLS, type CompletionShell } from './reference/completion.js';

// `mcp-header-forward completion bash|zsh`: prints the script; `source <(mcp-header-forward completion bash)`.

export function completionCommand(write: (text: string) => void = (text) => process.stdout.write(text)): Command {
  return new Command('completion')
    .description('Print a shell completion script (bash, or zsh through bashcompinit): source <(mcp-header-forward completion bash)')
    .addArgument(new Argument('<shell>', 'the shell').choices(COMPLETION_SHELLS))
    .action(async (shell: CompletionShell) => {
      // Every command's definitions, loaded here only: the other subcommands never pay for them.
      const [{ registerCommands }, { renderCompletion }] = await Promise.all([
        import('./commands.js'),
        import('./reference/completion.js'),
      ]);
      const program = new Command().name('mcp-header-forward');
      await registerCommands(program, ['node', 'mcp-header-forward']);
      write(renderCompletion(program, shell));
    });
}

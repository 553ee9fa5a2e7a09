import { execFileSync } from 'node:child_process';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { registerCommands } from '../commands.js';
import { renderCompletion } from './completion.js';

async function program(): Promise<Command> {
  const root = new Command().name('mcp-header-forward');
  await registerCommands(root, ['node', 'mcp-header-forward']);
  return root;
}

/** What bash offers for the words typed so far (the last one is being completed), with the script loaded. */
function complete(script: string, words: string[]): string[] {
  const probe = [
    script,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    '_mcp_header_forward',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  return execFileSync('bash', ['--norc', '--noprofile', '-c', probe], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('completion bash', () => {
  it('completes subcommands, flags of a subcommand and the choices of a flag', async () => {
    const script = renderCompletion(await program(), 'bash');
    expect(complete(script, ['mcp-header-forward', 're'])).toEqual(['report']);
    expect(complete(script, ['mcp-header-forward', 'webhook', '--tls-'])).toEqual([
      '--tls-cert-file',
      '--tls-key-file',
      '--tls-reload-interval',
    ]);
    expect(complete(script, ['mcp-header-forward', 'webhook', '--mode', ''])).toEqual(['enforce', 'warn', 'audit']);
    expect(complete(script, ['mcp-header-forward', 'validate', '-o', 'j'])).toEqual(['json']);
  });

  it('is valid bash and registers the function, and zsh gets it through bashcompinit', async () => {
    const script = renderCompletion(await program(), 'bash');
    expect(execFileSync('bash', ['--norc', '-c', `${script}\ncomplete -p mcp-header-forward`], { encoding: 'utf8' })).toBe(
      'complete -o default -F _mcp_header_forward mcp-header-forward\n',
    );
    const zsh = renderCompletion(await program(), 'zsh');
    expect(zsh.startsWith('#compdef mcp-header-forward\nautoload -U +X bashcompinit && bashcompinit\n')).toBe(true);
  });
});

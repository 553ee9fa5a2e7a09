#!/usr/bin/env node
import { Command } from 'commander';
import { registerCommands } from './commands.js';
import { version } from './version.js';

// One binary, one image: `mcp-header-forward <subcommand>`.
const program = new Command()
  .name('mcp-header-forward')
  .description('Make ToolHive MCPServerEntry headerForward real for vMCP: validate, inject, proxy.')
  .version(version)
  .showHelpAfterError()
  .configureOutput({ outputError: (text, write) => write(text) });

registerCommands(program, process.argv)
  .then(() => program.parseAsync(process.argv))
  .catch((error: unknown) => {
    process.stderr.write(`mcp-header-forward: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  });

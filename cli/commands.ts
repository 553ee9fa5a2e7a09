import type { Command } from 'commander';

// Each subcommand lives in its own file and registers itself here.
export function registerCommands(_program: Command): void {}

import type { Command } from 'commander';
import { certsCommand } from './certs.js';
import { injectCommand } from './inject.js';
import { reportCommand } from './report.js';
import { sidecarCommand } from './sidecar.js';
import { validateCommand } from './validate.js';
import { webhookCommand } from './webhook.js';

// Each subcommand lives in its own file and registers itself here.
export function registerCommands(program: Command): void {
  program.addCommand(certsCommand());
  program.addCommand(webhookCommand());
  program.addCommand(validateCommand());
  program.addCommand(sidecarCommand());
  program.addCommand(injectCommand());
  program.addCommand(reportCommand());
}

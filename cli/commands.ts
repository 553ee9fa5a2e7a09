import type { Command } from 'commander';
import { withUsageErrors } from './usage.js';

// Each subcommand lives in its own file and registers itself here. Only the subcommand being run is imported:
// `sidecar` must not load the webhook's graph (fastify, @kubernetes/client-node): idle RSS and start time.
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Command>]> = [
  ['certs', async () => (await import('./certs.js')).certsCommand()],
  ['webhook', async () => (await import('./webhook.js')).webhookCommand()],
  ['validate', async () => (await import('./validate.js')).validateCommand()],
  ['sidecar', async () => (await import('./sidecar.js')).sidecarCommand()],
  ['inject', async () => (await import('./inject.js')).injectCommand()],
  ['report', async () => (await import('./report.js')).reportCommand()],
  ['check', async () => (await import('./check.js')).checkCommand()],
  ['version', async () => (await import('./versionCommand.js')).versionCommand()],
  ['completion', async () => (await import('./completionCommand.js')).completionCommand()],
];

/**
 * Registers the one subcommand named by `argv[2]` when it names one; otherwise all of them, so top-level help,
 * `help <command>` and unknown-command suggestions see the full list.
 */
export async function registerCommands(program: Command, argv: readonly string[]): Promise<void> {
  const chosen = COMMANDS.filter(([name]) => name === argv[2]);
  for (const [, load] of chosen.length === 1 ? chosen : COMMANDS) program.addCommand(await load());
  withUsageErrors(program);
}

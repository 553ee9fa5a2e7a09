import { Command } from 'commander';
import { createLogger } from '../contract/logging.js';
import type { Logger } from 'pino';
import { EXIT_USAGE } from './exitCodes.js';
import { stopOnSignal } from './signals.js';
import { webhookConfigFrom } from './webhook/config.js';
import { addWebhookFlags, type WebhookFlags } from './webhook/flags.js';

// `mcp-header-forward webhook`, the whole process: flags -> one typed config (cli/webhook/config.ts) -> the
// launcher (webhook/app/launcher.ts) builds the shared clients (API config, informers, Lease), the admission
// endpoints (/validate, /mutate, /validate-secrets), the background loops (scan; drift check, leader only) and
// the HTTPS server -> SIGTERM/SIGINT stop it in reverse order. Bad flags or files exit 2 with one line.

export function webhookCommand(): Command {
  return addWebhookFlags(
    new Command('webhook').description(
      'Run the admission webhook (HTTPS): validate, mutate, validate-secrets, background scan, drift check',
    ),
  ).action(async (flags: WebhookFlags) => {
    let logger: Logger | undefined;
    const started = (async () => {
      const config = webhookConfigFrom(flags);
      logger = createLogger({ name: 'mcp-header-forward', level: config.logLevel });
      // client-node, fastify and the informers load only when the webhook runs.
      const { launchWebhook } = await import('../webhook/app/launcher.js');
      return launchWebhook(config, logger);
    })();
    stopOnSignal(started, () => logger);
    try {
      await started;
    } catch (error: unknown) {
      process.stderr.write(`mcp-header-forward webhook: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(EXIT_USAGE);
    }
  });
}

import { Command } from 'commander';
import { createLogger } from '../contract/logging.js';
import { EXIT_USAGE } from './exitCodes.js';
import { webhookConfigFrom } from './webhook/config.js';
import { addWebhookFlags, type WebhookFlags } from './webhook/flags.js';

// `mcp-header-forward webhook`, the whole process: flags -> one typed config (cli/webhook/config.ts) -> the
// launcher (webhook/app/launcher.ts) builds the shared clients (API config, informers, Lease), the admission
// endpoints (/validate, /mutate, /validate-secrets), the background loops (scan; drift check, leader only) and
// the HTTPS server -> SIGTERM/SIGINT stop it in reverse order. Bad flags or files exit 2 with one line.

export function webhookCommand(): Command {
  return addWebhookFlags(new Command('webhook').description('Run the admission webhook (HTTPS): validate, mutate, validate-secrets, background scan, drift check'))
    .action(async (flags: WebhookFlags) => {
      try {
        const config = webhookConfigFrom(flags);
        const logger = createLogger({ name: 'mcp-header-forward', level: config.logLevel });
        // client-node, fastify and the informers load only when the webhook runs.
        const { launchWebhook } = await import('../webhook/app/launcher.js');
        const running = await launchWebhook(config, logger);
        const shutdown = (signal: string): void => {
          logger.info({ signal }, 'shutting down');
          running.stop().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        };
        process.once('SIGTERM', shutdown);
        process.once('SIGINT', shutdown);
      } catch (error: unknown) {
        process.stderr.write(`mcp-header-forward webhook: ${error instanceof Error ? error.message : String(error)}\n`);
        process.exit(EXIT_USAGE);
      }
    });
}

import { Command, Option } from 'commander';
import { MODES } from '../contract/labels.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../webhook/config/webhookConfigurations.js';
import { LOG_LEVELS } from '../webhook/logging.js';
import { DEFAULT_TLS_RELOAD_INTERVAL_MS } from '../webhook/server.js';
import { EXIT_USAGE } from './exitCodes.js';
import type { WebhookBaseOptions, WebhookContributor } from './webhookContributor.js';
import { webhookContributors } from './webhookContributors.js';
import { millis, parseListen } from './webhookFlags.js';
import type { RunningWebhook } from './webhookStart.js';

export const DEFAULT_LISTEN = '0.0.0.0:8443';
/** Well below the API server's webhook timeout (DEFAULT_TIMEOUT_SECONDS), so a slow GET denies clearly. */
export const DEFAULT_SECRET_LOOKUP_TIMEOUT_MS = 2_000;
/** The API server caps webhook timeouts at 30 s. */
const MAX_WEBHOOK_TIMEOUT_MS = 30_000;

export function webhookCommand(contributors: readonly WebhookContributor[] = webhookContributors): Command {
  const command = new Command('webhook')
    .description('Run the admission webhook (HTTPS): ' + contributors.map((c) => c.name).join(', '))
    .addOption(new Option('--listen <host:port>', 'address to serve HTTPS on').default(parseListen(DEFAULT_LISTEN), DEFAULT_LISTEN).argParser(parseListen))
    .requiredOption('--tls-cert-file <path>', 'PEM serving certificate (chain); reloaded when the file changes')
    .requiredOption('--tls-key-file <path>', 'PEM private key of the serving certificate; reloaded when the file changes')
    .addOption(
      new Option('--tls-reload-interval <ms>', 'how often to check the TLS files for changes')
        .default(DEFAULT_TLS_RELOAD_INTERVAL_MS)
        .argParser(millis('--tls-reload-interval', 10, 600_000)),
    )
    .option('--client-ca-file <path>', 'authenticate the API server: admission paths answer only clients with a certificate this PEM CA signed (health paths stay open)')
    .addOption(
      new Option('--client-name <cn>', 'with --client-ca-file: accepted client certificate common names (repeatable; default: any the CA signed)').argParser(
        (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',').map((v) => v.trim()).filter((v) => v !== '')],
      ),
    )
    .option('--kubeconfig <path>', 'kubeconfig to reach the API server (default: $KUBECONFIG, ~/.kube/config, then in-cluster)')
    .addOption(
      new Option('--mode <mode>', 'what a violation does: enforce (deny), warn (allow + warnings), audit (allow, log + metric); the namespace label mcp-header-forward.dev/mode overrides it')
        .choices(MODES)
        .default('enforce'),
    )
    .addOption(
      new Option('--secret-lookup-timeout <ms>', `bound for each Secret GET; keep it well below the webhook timeout (${DEFAULT_TIMEOUT_SECONDS}s)`)
        .default(DEFAULT_SECRET_LOOKUP_TIMEOUT_MS)
        .argParser(millis('--secret-lookup-timeout', 50, MAX_WEBHOOK_TIMEOUT_MS - 1_000)),
    )
    .addOption(new Option('--log-level <level>', 'log level').choices(LOG_LEVELS).default('info'))
    // Bad flags exit 2 (usage), like every subcommand; --help exits 0.
    .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : EXIT_USAGE));
  for (const contributor of contributors) contributor.addOptions?.(command);

  command.action(async (options: WebhookBaseOptions & Record<string, unknown>) => {
    let running: RunningWebhook;
    // Should startup ever end with nothing left to keep the process alive, it must not look like success.
    process.exitCode = EXIT_USAGE;
    try {
      const { startWebhook } = await import('./webhookStart.js');
      running = await startWebhook(options, contributors);
      process.exitCode = 0;
    } catch (error: unknown) {
      process.stderr.write(`mcp-header-forward webhook: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(EXIT_USAGE);
    }
    const shutdown = (signal: string): void => {
      running.logger.info({ signal }, 'shutting down');
      running.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      );
    };
    process.once('SIGTERM', shutdown);
    process.once('SIGINT', shutdown);
  });
  return command;
}

import { Command, Option } from 'commander';
import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { MODES, type Mode } from '../contract/labels.js';
import { loadKubeConfig } from '../webhook/cluster/kubeConfig.js';
import { startNamespaceInformer } from '../webhook/cluster/namespaceModes.js';
import { createSecretGetter } from '../webhook/cluster/secrets.js';
import { DEFAULT_TIMEOUT_SECONDS } from '../webhook/config/webhookConfigurations.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../webhook/logging.js';
import { createWebhookServer, DEFAULT_TLS_RELOAD_INTERVAL_MS, type WebhookServer } from '../webhook/server.js';
import { EXIT_USAGE } from './exitCodes.js';
import type { WebhookBaseOptions, WebhookContext, WebhookContributor } from './webhookContributor.js';
import { webhookContributors } from './webhookContributors.js';
import { millis, parseListen } from './webhookFlags.js';

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
    try {
      running = await startWebhook(options, contributors);
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

export interface RunningWebhook {
  server: WebhookServer;
  logger: Logger;
  url: string;
  stop(): Promise<void>;
}

/** Build everything from parsed flags and listen. Throws with a message naming the flag or file on bad input. */
export async function startWebhook(
  options: WebhookBaseOptions & Record<string, unknown>,
  contributors: readonly WebhookContributor[] = webhookContributors,
  logger: Logger = createLogger({ level: options.logLevel as LogLevel }),
): Promise<RunningWebhook> {
  const kubeConfig = loadKubeConfig(options.kubeconfig);
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const namespaceLabels = startNamespaceInformer({ kubeConfig, logger });
  const context: WebhookContext = {
    options,
    kubeConfig,
    logger,
    registry,
    getSecret: createSecretGetter({ kubeConfig, timeoutMs: options.secretLookupTimeout }),
    namespaceLabels,
  };
  const stopParts = async (): Promise<void> => {
    await Promise.allSettled([namespaceLabels.stop(), ...contributors.map((c) => c.stop?.() ?? Promise.resolve())]);
  };
  try {
    const routes = (await Promise.all(contributors.map((c) => c.routes(context)))).flat();
    const readiness = [
      { name: 'namespace informer', ready: () => namespaceLabels.synced() },
      ...contributors.flatMap((c) => c.readiness?.(context) ?? []),
    ];
    const server = await createWebhookServer({
      tls: { certFile: options.tlsCertFile, keyFile: options.tlsKeyFile },
      tlsReloadIntervalMs: options.tlsReloadInterval,
      logger,
      routes,
      readiness,
      registry,
    });
    const address = await server.listen(options.listen);
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `https://${host}:${address.port}`;
    logger.info(
      { url, routes: routes.map((r) => r.path), mode: options.mode as Mode, secretLookupTimeoutMs: options.secretLookupTimeout },
      `webhook listening on ${url}`,
    );
    return {
      server,
      logger,
      url,
      async stop() {
        await server.close();
        await stopParts();
      },
    };
  } catch (error: unknown) {
    await stopParts();
    throw error;
  }
}

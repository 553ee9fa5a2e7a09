import type { Logger } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Mode } from '../contract/labels.js';
import { loadKubeConfig } from '../webhook/cluster/kubeConfig.js';
import { startNamespaceInformer } from '../webhook/cluster/namespaceModes.js';
import { countingSecretErrors } from '../webhook/cluster/lookupMetrics.js';
import { createSecretGetter } from '../webhook/cluster/secrets.js';
import { createLogger, type LogLevel } from '../webhook/logging.js';
import { createWebhookServer, type WebhookServer } from '../webhook/server.js';
import type { WebhookBaseOptions, WebhookContext, WebhookContributor } from './webhookContributor.js';
import { webhookContributors } from './webhookContributors.js';

// Everything that talks to the cluster or the network, loaded only when `webhook` runs (client-node is heavy).

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
    getSecret: countingSecretErrors(createSecretGetter({ kubeConfig, timeoutMs: options.secretLookupTimeout }), registry),
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
      ...(typeof options.clientCaFile === 'string' ? { clientAuth: { caFile: options.clientCaFile, names: (options.clientName as string[] | undefined) ?? [] } } : {}),
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

import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { startMetricsServer, type MetricsServer } from '../metricsServer.js';
import { createWebhookServer, type WebhookServer } from '../server.js';
import { connect } from './clients.js';
import type { WebhookConfig } from './config.js';
import { admissionEndpoints } from './endpoints.js';
import { backgroundLoops } from './loops.js';
import { startRunnables } from './runnables.js';

// The webhook process, assembled in order: shared clients, admission endpoints, background loops, the metrics
// server, the HTTPS server. Shutdown runs the other way round. Everything that talks to the cluster or the network
// is built here. The two servers are not Runnables: a Runnable's start cannot fail the process, and a port that is
// taken must (exit 2 naming the flag), as controller-runtime's manager fails when its metrics listener cannot bind.

export interface RunningWebhook {
  server: WebhookServer;
  url: string;
  /** http://host:port of --metrics-listen; /metrics there. */
  metricsUrl: string;
  /** Every metric the process registers, as served at metricsUrl. */
  registry: Registry;
  stop(): Promise<void>;
}

/** Throws with a message naming the flag or file on bad input, after releasing what it had started. */
export async function launchWebhook(config: WebhookConfig, logger: Logger): Promise<RunningWebhook> {
  const clients = connect(config, logger);
  const endpoints = admissionEndpoints(config, clients, logger);
  let server: WebhookServer | undefined;
  let metrics: MetricsServer | undefined;
  let loops: { stop(): Promise<void> } | undefined;
  const stop = async (): Promise<void> => {
    await server?.close();
    await loops?.stop();
    endpoints.stop();
    await metrics?.close();
    await clients.stop();
  };
  try {
    const runnables = backgroundLoops(config, clients, logger);
    server = await createWebhookServer({
      tls: config.server.tls,
      ...(config.server.clientAuth !== undefined ? { clientAuth: config.server.clientAuth } : {}),
      tlsReloadIntervalMs: config.server.tlsReloadIntervalMs,
      overload: config.server.overload,
      logger,
      routes: endpoints.routes,
      readiness: clients.readiness,
      registry: clients.registry,
    });
    metrics = await startMetricsServer(config.metrics.listen, clients.registry);
    const address = await server.listen(config.server.listen);
    loops = startRunnables(runnables, clients.leadership, logger);
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `https://${host}:${address.port}`;
    logger.info(
      {
        url,
        metricsUrl: metrics.url,
        routes: endpoints.routes.map((r) => r.path),
        loops: runnables.map((r) => r.name),
        mode: config.mode,
        secretLookupTimeoutMs: config.secretLookupTimeoutMs,
      },
      `webhook listening on ${url}`,
    );
    return { server, url, metricsUrl: metrics.url, registry: clients.registry, stop };
  } catch (error: unknown) {
    await stop();
    throw error;
  }
}

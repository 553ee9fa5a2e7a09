import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import { webhookCommand } from '../../../cli/webhook.js';
import { webhookConfigFrom } from '../../../cli/webhook/config.js';
import type { WebhookFlags } from '../../../cli/webhook/flags.js';
import { createSidecarMetrics } from '../../../sidecar/metrics.js';
import { launchWebhook } from '../../../webhook/app/launcher.js';
import { startFakeApiServer } from '../webhook/fakeApiServer.js';
import { captureLogs } from '../webhook/logCapture.js';
import { loopbackTls } from '../webhook/loopbackTls.js';

// The metrics the code registers, from the real registries: the webhook as `mcp-header-forward webhook` builds
// it with every part on (against the stand-in API server), and the sidecar's. Nothing is listed by hand.

export interface RegisteredMetric {
  type: string;
  labels: readonly string[];
}

export type MetricCatalog = Map<string, RegisteredMetric>;

export async function webhookMetrics(): Promise<MetricCatalog> {
  const api = await startFakeApiServer();
  const tls = await loopbackTls();
  const dir = await mkdtemp(join(tmpdir(), 'mhf-metrics-'));
  try {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeFile(kubeconfig, api.kubeConfig.exportConfig());
    const command = webhookCommand();
    // Defaults turn every part on (validation with access reviews, injection, Secret guard, scan, drift check).
    command.parseOptions([
      ...['--listen', '127.0.0.1:0', '--metrics-listen', '127.0.0.1:0', '--leader-election=false'],
      ...['--tls-cert-file', tls.certFile, '--tls-key-file', tls.keyFile, '--kubeconfig', kubeconfig],
    ]);
    const running = await launchWebhook(webhookConfigFrom(command.opts<WebhookFlags>(), {}), captureLogs('info').logger);
    try {
      return catalog(running.registry);
    } finally {
      await running.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
    await tls.cleanup();
    await api.close();
  }
}

export function sidecarMetrics(): MetricCatalog {
  return catalog(createSidecarMetrics().registry);
}

function catalog(registry: Registry): MetricCatalog {
  return new Map(
    registry.getMetricsAsArray().map((metric) => {
      // labelNames is set on every prom-client metric; its type declarations leave it out.
      const { labelNames } = metric as unknown as { labelNames?: readonly string[] };
      return [metric.name, { type: String(metric.type), labels: labelNames ?? [] }];
    }),
  );
}

/** Series name -> labels, as a scrape exposes them: a histogram as _bucket (with le), _sum and _count. */
export function seriesLabels(metrics: MetricCatalog): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const [name, { type, labels }] of metrics) {
    if (type === 'histogram') {
      series.set(`${name}_bucket`, new Set([...labels, 'le']));
      series.set(`${name}_sum`, new Set(labels));
      series.set(`${name}_count`, new Set(labels));
    } else if (type === 'summary') {
      series.set(name, new Set([...labels, 'quantile']));
      series.set(`${name}_sum`, new Set(labels));
      series.set(`${name}_count`, new Set(labels));
    } else {
      series.set(name, new Set(labels));
    }
  }
  return series;
}

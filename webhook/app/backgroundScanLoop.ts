import type { Logger } from 'pino';
import { createEventRecorder } from '../cluster/events.js';
import { rateLimited } from '../cluster/lookupMetrics.js';
import { policyReportStore } from '../cluster/policyReportStore.js';
import { startBackgroundScan, type BackgroundScan } from '../report/backgroundScan.js';
import { createScanMetrics } from '../report/metrics.js';
import { createPolicyReportPublisher } from '../report/policyReportPublisher.js';
import { TokenBucket } from '../report/tokenBucket.js';
import { rulesFor } from '../validate/secretPolicy.js';
import type { Clients } from './clients.js';
import type { BackgroundScanConfig, WebhookConfig } from './config.js';
import type { Runnable } from './runnables.js';

// The background scan: every stored MCPServerEntry through the admission rules, in every replica (each serves
// the gauge); only the Lease holder sends Events and writes PolicyReports, and one that starts leading tells the
// current problems now.

export function backgroundScanLoop(scanConfig: BackgroundScanConfig, config: WebhookConfig, clients: Clients, base: Logger): Runnable {
  const logger = base.child({ component: 'background-scan' });
  const { toolhive, leadership } = clients;
  const perSecond = scanConfig.secretGetsPerSecond;
  const bucket = new TokenBucket({ ratePerSecond: perSecond, burst: Math.max(1, Math.ceil(perSecond * 2)) });
  const metrics = createScanMetrics(clients.registry, scanConfig.intervalMs);
  const emit = createEventRecorder({ kubeConfig: clients.kubeConfig });
  const reports = scanConfig.policyReports
    ? createPolicyReportPublisher({ store: policyReportStore(clients.kubeConfig), leading: () => leadership.isLeader(), logger })
    : undefined;
  let scan: BackgroundScan | undefined;
  leadership.onChange((leading) => {
    if (!leading || scan === undefined || !toolhive.synced()) return;
    // A pass already running decided its Events before the Lease was won: run a fresh one after it.
    scan
      .rescan()
      .catch((error: unknown) => logger.error({ error: error instanceof Error ? error.message : String(error) }, 'background scan failed'));
  });
  base.info(
    { intervalMs: scanConfig.intervalMs, secretGetsPerSecond: perSecond, policyReports: scanConfig.policyReports },
    'background scan on',
  );
  return {
    name: 'background scan',
    leaderOnly: false,
    start() {
      scan = startBackgroundScan({
        entries: () => toolhive.allEntries(),
        namespaceEntries: (namespace) => toolhive.entries(namespace),
        onEntryChange: (listener) => toolhive.onEntryChange(listener),
        synced: () => toolhive.synced(),
        getSecret: rateLimited(clients.getSecret, bucket),
        // Missing Secrets always count here: --missing-secret=warn admits them for GitOps ordering, not for good.
        rules: rulesFor({ missingSecret: 'deny', requireHostBinding: config.validate.requireHostBinding }),
        intervalMs: scanConfig.intervalMs,
        emit,
        leading: () => leadership.isLeader(),
        metrics,
        ...(reports !== undefined ? { onResults: (results) => reports.publish(results.values()) } : {}),
        logger,
      });
    },
    async stop() {
      await scan?.stop();
      await reports?.idle();
      scan = undefined;
    },
  };
}
